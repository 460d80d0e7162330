import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import type { Agent } from 'undici';
import { CosmosFaultProxy } from './cosmos-proxy.js';
import { keepAliveAgent, send, type LoadSample } from './load.js';
import { LlmRecorder } from './llm-recorder.js';
import { LogCapture, SecretScanner, type Secret } from './logs.js';
import { PinnedConnection } from './pinned.js';
import { freePort } from './ports.js';
import { isListening } from './procfs.js';
import { DEV_ADMIN_KEY, DEV_API_KEY, LOCAL_COSMOS_KEY, REPO_ROOT, SERVICE_NODE_FLAGS, startStack, type ManagedProcess, type Stack } from './stack.js';
import { sleep, until } from './stats.js';
import { ZendeskStandIn } from './zendesk.js';

/** Agents on the conversation path, in the order the gateway calls them. */
export const AGENTS = ['intent-classifier', 'knowledge-retrieval', 'response-generator', 'critic', 'escalation'] as const;
export type AgentName = (typeof AGENTS)[number];

/** The services the suite runs and how many replicas of each. */
export const REPLICAS: Readonly<Record<string, number>> = {
  gateway: 3,
  'intent-classifier': 2,
  'knowledge-retrieval': 2,
  'response-generator': 2,
  critic: 2,
  escalation: 2,
  analytics: 2,
};

/** Test inputs carrying PII: they go into turns and must never show up in a log line. */
export const PII = {
  email: 'jane.faults@example.com',
  phone: '+44 20 7946 0958',
  card: '4111 1111 1111 1111',
  iban: 'DE89 3704 0044 0532 0130 00',
  ssn: '536-21-4477',
} as const;

/** Customer messages for load: ordinary questions, and some carrying every kind of PII above. */
export const MESSAGES = [
  'Where is my order? It has not arrived yet.',
  'How do I return a pair of shoes?',
  'Can I change the delivery address of my order?',
  `My email is ${PII.email}, please check my refund status.`,
  `I paid with card ${PII.card} and was charged twice, can you help?`,
  `Please update my bank account to ${PII.iban} for the refund.`,
  `You can call me on ${PII.phone} about my delivery.`,
  `My social security number is ${PII.ssn}, why do you need it for the invoice?`,
  'How long does shipping to Canada take?',
  'I want to cancel my subscription.',
] as const;

export interface WorldOptions {
  /** Milliseconds the services wait between readiness 503 and closing the listener (the prod preStop analogue). */
  readonly drainDelayMs?: number;
  readonly readyTimeoutMs?: number;
  /** Print every log line to stderr (debugging). */
  readonly echoLogs?: boolean;
}

export interface Credentials {
  readonly userKey: string;
  readonly adminKey: string;
  /** A trusted front-end key: the end user comes from `x-user-id`. */
  readonly delegateKey: string;
  readonly jwtSecret: string;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly shopifySecret: string;
}

export interface SpawnedGateway {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const secret = (prefix: string) => `${prefix}${randomBytes(18).toString('hex')}`;

/**
 * Everything the scenarios share: the stack (every replica its own process) behind a Cosmos fault proxy and an
 * LLM call recorder, a Zendesk stand-in, credentials, the log capture and the secret scanner. Every Redis key
 * and stream the services write is under this run's own prefix (except the gateway's `conversation.turn`
 * stream, which has no setting).
 */
export class World {
  readonly runId: string;
  readonly logs: LogCapture;
  readonly scanner = new SecretScanner();
  readonly creds: Credentials;
  readonly unexpectedExits: { label: string; code: number | null; signal: string | null; at: number }[] = [];
  readonly drainDelayMs: number;
  readonly names: {
    readonly gwPrefix: string;
    readonly analyticsStream: string;
    readonly analyticsPrefix: string;
    readonly ticketStream: string;
    readonly escalationPrefix: string;
    readonly criticPrefix: string;
    readonly rgPrefix: string;
  };
  stack!: Stack;
  cosmos!: CosmosFaultProxy;
  llm!: LlmRecorder;
  desk!: ZendeskStandIn;
  redis!: Redis;
  agent!: Agent;
  readonly #extra: SpawnedGateway[] = [];
  readonly #jwts: string[] = [];

  private constructor(opts: WorldOptions) {
    this.runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    this.logs = new LogCapture();
    this.drainDelayMs = opts.drainDelayMs ?? 1000;
    const r = this.runId;
    this.names = {
      gwPrefix: `faults:${r}:gw:`,
      analyticsStream: `faults:${r}:turns`,
      analyticsPrefix: `{faults:${r}:analytics}:`,
      ticketStream: `faults:${r}:tickets`,
      escalationPrefix: `faults:${r}:esc:`,
      criticPrefix: `faults:${r}:critic:`,
      rgPrefix: `faults:${r}:rg:`,
    };
    this.creds = {
      userKey: secret('sm_faults_user_'),
      adminKey: secret('sm_faults_admin_'),
      delegateKey: secret('sm_faults_delegate_'),
      jwtSecret: secret('jwt-secret-'),
      jwtIssuer: 'https://auth.faults.supportmesh.test',
      jwtAudience: 'supportmesh-api',
      shopifySecret: secret('shpss_'),
    };
  }

  static async start(opts: WorldOptions = {}): Promise<World> {
    const w = new World(opts);
    await w.#start(opts);
    return w;
  }

  async #start(opts: WorldOptions): Promise<void> {
    const c = this.creds;
    const n = this.names;
    this.desk = await ZendeskStandIn.start(secret('zd_token_'));
    this.cosmos = await CosmosFaultProxy.start();
    this.llm = await LlmRecorder.start(() => this.allPids());
    this.redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2, lazyConnect: false });

    const secrets: Secret[] = [
      { kind: 'api_key', value: c.userKey },
      { kind: 'api_key', value: c.adminKey },
      { kind: 'api_key', value: c.delegateKey },
      { kind: 'api_key', value: DEV_API_KEY },
      { kind: 'api_key', value: DEV_ADMIN_KEY },
      { kind: 'api_key', value: 'local-emulator-key' },
      { kind: 'secret', value: c.jwtSecret },
      { kind: 'secret', value: c.shopifySecret },
      { kind: 'secret', value: this.desk.apiToken },
      { kind: 'secret', value: LOCAL_COSMOS_KEY },
      { kind: 'authorization', value: Buffer.from(`${this.desk.email}/token:${this.desk.apiToken}`).toString('base64') },
      { kind: 'email', value: PII.email },
      { kind: 'phone', value: PII.phone },
      { kind: 'card', value: PII.card },
      { kind: 'iban', value: PII.iban },
      { kind: 'ssn', value: PII.ssn },
    ];
    this.scanner.addAll(secrets);

    const echo = opts.echoLogs ?? process.env.FAULTS_ECHO_LOGS === '1';
    this.stack = await startStack({
      ports: 'ephemeral',
      services: Object.keys(REPLICAS),
      replicas: REPLICAS,
      readyTimeoutMs: opts.readyTimeoutMs ?? 240_000,
      env: { LOG_LEVEL: 'info', DRAIN_DELAY_MS: String(this.drainDelayMs) },
      onLine: (label, line) => {
        this.logs.onLine(label, line);
        if (echo) process.stderr.write(`${label} ${line}\n`);
      },
      onUnexpectedExit: (label, code, signal) => this.unexpectedExits.push({ label, code, signal, at: Date.now() }),
      serviceEnv: {
        'llm-emulator': { LLM_EMULATOR_LATENCY: 'fixed:20' },
        gateway: this.#gatewayEnv(),
        analytics: {
          ANALYTICS_STREAM: n.analyticsStream,
          ANALYTICS_KEY_PREFIX: n.analyticsPrefix,
          ANALYTICS_MIN_IDLE_MS: '1000',
          ANALYTICS_CLAIM_INTERVAL_MS: '250',
          ANALYTICS_MAX_DELIVERIES: '3',
          ANALYTICS_METRICS_INTERVAL_MS: '500',
        },
        escalation: {
          ESCALATION_STREAM: n.ticketStream,
          ESCALATION_KEY_PREFIX: n.escalationPrefix,
          ESCALATION_MIN_IDLE_MS: '1500',
          ESCALATION_CLAIM_INTERVAL_MS: '250',
          ESCALATION_MAX_DELIVERIES: '3',
          SERVICE_DESK: 'zendesk',
          SERVICE_DESK_TIMEOUT_MS: '500',
          ZENDESK_BASE_URL: this.desk.url,
          ZENDESK_EMAIL: this.desk.email,
          ZENDESK_API_TOKEN: this.desk.apiToken,
        },
        critic: { CRITIC_TOKEN_PREFIX: n.criticPrefix },
        'response-generator': {
          RESPOND_CACHE_PREFIX: n.rgPrefix,
          LLM_ENDPOINT: `${this.llm.url}/v1`,
          POOL_CIRCUIT_BREAKER_TIMEOUT: '5',
          LLM_STATS_POLL_MS: '500',
        },
      },
    });
    this.cosmos.setTarget(this.stack.urls.cosmos as string);
    this.llm.setTarget(this.stack.urls['llm-emulator'] as string);
    this.agent = keepAliveAgent(32);
  }

  get gatewayUrl(): string {
    return this.stack.urls.gateway as string;
  }

  url(name: string): string {
    return this.stack.urls[name] as string;
  }

  port(name: string): number {
    return this.stack.ports[name] as number;
  }

  /** Live processes of a service. */
  procs(name: string): ManagedProcess[] {
    return this.stack.processes.filter((p) => p.name === name && !p.hasExited);
  }

  pids(name: string): number[] {
    return this.procs(name).map((p) => p.child.pid as number);
  }

  allPids(): number[] {
    return [...this.stack.processes.filter((p) => !p.hasExited).map((p) => p.child.pid as number), ...this.#extra.map((g) => g.child.pid as number)];
  }

  /** A keep-alive connection served by that very process. */
  pin(name: string, pid: number): Promise<PinnedConnection> {
    return PinnedConnection.open(this.port(name), pid, this.allPids());
  }

  /** Starts replicas until `name` has `count` live ones again (SO_REUSEPORT), each listening and ready. */
  async restore(name: string, count = REPLICAS[name] ?? 1): Promise<void> {
    const missing = count - this.procs(name).length;
    if (missing <= 0) return;
    const alive = this.procs(name).length;
    // A lone restart must still share the port with live replicas: REUSE_PORT explicitly.
    const started = await this.stack.start(name, { count: missing, env: { REUSE_PORT: 'true' } });
    const port = this.port(name);
    for (const p of started) {
      const ok = await until(async () => (p.hasExited ? false : (await isListening(p.child.pid as number, port)) || undefined), 120_000, 200);
      if (ok !== true) throw new Error(`${name} replica (pid ${p.child.pid}) did not start listening (alive before: ${alive})`);
      const conn = await this.pin(name, p.child.pid as number);
      try {
        const ready = await until(async () => ((await conn.get('/ready')).status === 200 ? true : undefined), 60_000, 200);
        if (!ready) throw new Error(`${name} replica (pid ${p.child.pid}) never became ready`);
      } finally {
        conn.close();
      }
    }
  }

  /** Every service back to its replica count. */
  async restoreAll(): Promise<void> {
    await Promise.all(Object.keys(REPLICAS).map((name) => this.restore(name)));
  }

  /** Headers for a request as the delegate front-end acting for `user`. */
  userHeaders(user: string, extra: Record<string, string> = {}): Record<string, string> {
    return { 'content-type': 'application/json', 'x-api-key': this.creds.delegateKey, 'x-user-id': user, ...extra };
  }

  adminHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return { 'content-type': 'application/json', 'x-api-key': this.creds.adminKey, ...extra };
  }

  /** One customer turn (`POST /v1/chat`) for `user`. */
  chat(user: string, message: string, timeoutMs = 30_000): Promise<LoadSample> {
    return send(this.agent, this.gatewayUrl, { method: 'POST', path: '/v1/chat', headers: this.userHeaders(user), body: JSON.stringify({ message }) }, 0, timeoutMs);
  }

  /** An HS256 JWT for the gateway (registered with the scanner: it must never be logged). */
  async jwt(opts: { role?: string; sub?: string; secret?: string; expSec?: number; issuer?: string; audience?: string } = {}): Promise<string> {
    const token = await new SignJWT({ role: opts.role ?? 'user' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(opts.sub ?? 'faults-jwt-user')
      .setIssuer(opts.issuer ?? this.creds.jwtIssuer)
      .setAudience(opts.audience ?? this.creds.jwtAudience)
      .setIssuedAt()
      .setExpirationTime(opts.expSec ?? Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode(opts.secret ?? this.creds.jwtSecret));
    this.#jwts.push(token);
    this.scanner.add('jwt', token);
    return token;
  }

  /**
   * Waits until the gateways answer turns without any degraded hop again (their breakers towards the agents
   * closed), bounded. Returns the milliseconds it took, or undefined.
   */
  async waitHealthy(timeoutMs = 45_000, streak = 6): Promise<number | undefined> {
    const t0 = Date.now();
    let good = 0;
    for (let i = 0; Date.now() - t0 < timeoutMs; i++) {
      const s = await this.chat(`healthcheck-${i % 50}`, 'Where is my order?');
      const degraded = (s.json as { degraded?: string[] } | undefined)?.degraded;
      good = s.status === 200 && degraded?.length === 0 ? good + 1 : 0;
      if (good >= streak) return Date.now() - t0;
      if (good === 0) await sleep(500);
    }
    return undefined;
  }

  /**
   * Starts one more gateway process outside the stack, on its own port, with `env` on top of the stack's
   * gateway environment (e.g. a dead `REDIS_URL`). Its log lines are captured like the others.
   */
  async spawnGateway(label: string, env: Record<string, string>): Promise<SpawnedGateway> {
    const port = await freePort();
    const entry = path.join(REPO_ROOT, 'apps/gateway/src/main.ts');
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--conditions=@supportmesh/source', '--import', 'tsx', entry], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.stack.env, LOG_LEVEL: 'info', DRAIN_DELAY_MS: String(this.drainDelayMs), ...this.#gatewayEnv(), ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', (line) => this.logs.onLine(label, line));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const g: SpawnedGateway = {
      port,
      url: `http://127.0.0.1:${port}`,
      child,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          child.kill('SIGTERM');
          await exited;
          clearTimeout(timer);
        }
        this.#extra.splice(this.#extra.indexOf(g), 1);
      },
    };
    this.#extra.push(g);
    const ok = await until(async () => {
      if (child.exitCode !== null) return false;
      try {
        const res = await fetch(`${g.url}/health`, { signal: AbortSignal.timeout(1000) });
        return res.ok || undefined;
      } catch {
        return undefined;
      }
    }, 120_000, 200);
    if (ok !== true) {
      await g.stop();
      throw new Error(`extra gateway "${label}" did not start`);
    }
    return g;
  }

  /** The gateways' own environment (stack replicas and extra processes alike). */
  #gatewayEnv(): Record<string, string> {
    const keys = [
      { id: 'faults-user', sha256: sha256(this.creds.userKey), role: 'user' },
      { id: 'faults-admin', sha256: sha256(this.creds.adminKey), role: 'admin' },
      { id: 'faults-delegate', sha256: sha256(this.creds.delegateKey), role: 'user', delegate: true },
    ];
    return {
      GATEWAY_REDIS_PREFIX: this.names.gwPrefix,
      GATEWAY_API_KEYS: JSON.stringify(keys),
      GATEWAY_JWT_SECRET: this.creds.jwtSecret,
      GATEWAY_JWT_ISSUER: this.creds.jwtIssuer,
      GATEWAY_JWT_AUDIENCE: this.creds.jwtAudience,
      SHOPIFY_WEBHOOK_SECRET: this.creds.shopifySecret,
      GATEWAY_TOKEN_BUDGET_PER_MINUTE: '4000',
      GATEWAY_ADMIN_CONFIG_CACHE_MS: '0',
      GATEWAY_PERSIST_FLUSH_MS: '500',
      COSMOS_ENDPOINT: this.cosmos.url,
    };
  }

  /** The consumer name an analytics / escalation replica uses by default (`hostname-pid`). */
  consumerName(pid: number): string {
    return `${hostname()}-${pid}`;
  }

  /** Stops everything and deletes this run's Redis keys. */
  async close(): Promise<void> {
    for (const g of [...this.#extra]) await g.stop().catch(() => undefined);
    await this.stack?.stop().catch(() => undefined);
    await this.agent?.close().catch(() => undefined);
    await Promise.all([this.cosmos?.close(), this.llm?.close(), this.desk?.close()].map((p) => p?.catch(() => undefined)));
    if (this.redis) {
      await this.deleteKeys([`faults:${this.runId}:*`, `{faults:${this.runId}:analytics}:*`]).catch(() => undefined);
      this.redis.disconnect();
    }
  }

  /** Deletes keys matching these patterns (this run's own only). */
  async deleteKeys(patterns: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const match of patterns) {
      if (!match.includes(this.runId)) throw new Error('refusing to delete keys outside this run');
      let cursor = '0';
      for (let i = 0; i < 10_000; i++) {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        if (keys.length > 0) deleted += await this.redis.unlink(...keys);
        cursor = next;
        if (cursor === '0') break;
      }
    }
    return deleted;
  }
}
