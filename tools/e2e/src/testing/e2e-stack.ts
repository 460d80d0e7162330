import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { DEV_ADMIN_KEY, DEV_API_KEY, LOCAL_COSMOS_KEY, startStack, type Stack } from '@supportmesh/dev';
import { Redis } from 'ioredis';
import { closeHttpAgents, httpRequest } from '../http.js';
import { DelayRelay } from './relay.js';

export { DEV_ADMIN_KEY, DEV_API_KEY };

export interface LogLine {
  readonly label: string;
  readonly line: string;
}

export interface E2eStackOptions {
  /** Services to start (default: every service with an entry file). */
  readonly services?: readonly string[];
  readonly replicas?: Readonly<Record<string, number>>;
  /** Extra environment for every process. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra environment per process (merged over the isolation settings). */
  readonly serviceEnv?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Put a {@link DelayRelay} between the gateway and the critic and the intent-classifier. */
  readonly relays?: boolean;
  /** Print every log line (also with `E2E_LOGS=1`). */
  readonly echo?: boolean;
  readonly redisUrl?: string;
  readonly readyTimeoutMs?: number;
}

export interface E2eStack {
  readonly stack: Stack;
  readonly urls: Readonly<Record<string, string>>;
  readonly gateway: string;
  /** Unique id of this run; every Redis key and stream of the stack carries it. */
  readonly runId: string;
  readonly redis: Redis;
  /** Names the services were given for their Redis state. */
  readonly keys: {
    readonly gatewayPrefix: string;
    readonly escalationPrefix: string;
    readonly escalationStream: string;
    readonly analyticsPrefix: string;
    readonly analyticsStream: string;
    readonly gatewayTurnStream: string;
    readonly criticPrefix: string;
    readonly responsePrefix: string;
  };
  /** Every line every process wrote (stdout and stderr). */
  readonly lines: LogLine[];
  /** Processes that exited without being asked to. */
  readonly unexpectedExits: { label: string; code: number | null; signal: NodeJS.Signals | null }[];
  readonly relays: { readonly critic: DelayRelay; readonly classifier: DelayRelay } | undefined;
  /**
   * Stops every process of `name` (SIGTERM unless told otherwise) and holds its port until {@link start}: a
   * connection to it is reset at once, as to a dead process, and no other program on the machine can take the
   * port meanwhile (an outgoing connection's ephemeral port, which would make the restart fail).
   */
  kill(name: string, opts?: { signal?: NodeJS.Signals }): Promise<{ code: number | null; signal: NodeJS.Signals | null }[]>;
  /** Starts (again) one process of `name` and waits until it is ready; a failure carries its last log lines. */
  start(name: string): Promise<void>;
  /** The last `n` log lines of processes whose label starts with `name`. */
  tail(name: string, n?: number): string[];
  /** No process died on its own, and every running service answers `GET /health` with 200. */
  allHealthy(): Promise<{ ok: boolean; problems: string[] }>;
  /** Stops every process, closes the relays and deletes the run's Redis keys. */
  stop(): Promise<void>;
}

/** The secrets of the local run; none of them may appear in a log line. */
export const LOCAL_SECRETS: readonly string[] = [DEV_API_KEY, DEV_ADMIN_KEY, 'local-emulator-key', LOCAL_COSMOS_KEY];

/**
 * Starts the whole stack as real processes on ephemeral ports (`startStack` from `@supportmesh/dev`), with the
 * LLM emulator at zero latency and every Redis key prefix and stream unique to this run, so stacks of parallel
 * test files and other users of the same Redis never see each other's state.
 */
export async function startE2eStack(opts: E2eStackOptions = {}): Promise<E2eStack> {
  const runId = randomUUID();
  const redisUrl = opts.redisUrl ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const keys = {
    gatewayPrefix: `e2e:${runId}:gw:`,
    escalationPrefix: `e2e:${runId}:escalation:`,
    escalationStream: `e2e:${runId}:escalation.tickets`,
    // A hash tag keeps the analytics keys in one slot (its scripts touch several at once).
    analyticsPrefix: `{e2e:${runId}}:analytics:`,
    analyticsStream: `e2e:${runId}:conversation.turn`,
    // The gateway's turn events stay in the run too (the consumer-restart test writes its own events to analyticsStream).
    gatewayTurnStream: `e2e:${runId}:gateway.conversation.turn`,
    criticPrefix: `e2e:${runId}:critic:`,
    responsePrefix: `e2e:${runId}:rg:`,
  };
  const relays = opts.relays ? { critic: await DelayRelay.start(), classifier: await DelayRelay.start() } : undefined;
  const lines: LogLine[] = [];
  const unexpectedExits: E2eStack['unexpectedExits'] = [];
  const echo = opts.echo ?? process.env['E2E_LOGS'] === '1';

  const isolation: Record<string, Record<string, string>> = {
    gateway: {
      GATEWAY_REDIS_PREFIX: keys.gatewayPrefix,
      GATEWAY_TURN_STREAM: keys.gatewayTurnStream,
      ...(relays ? { CRITIC_URL: relays.critic.url, INTENT_CLASSIFIER_URL: relays.classifier.url } : {}),
    },
    escalation: {
      ESCALATION_KEY_PREFIX: keys.escalationPrefix,
      ESCALATION_STREAM: keys.escalationStream,
    },
    analytics: {
      ANALYTICS_KEY_PREFIX: keys.analyticsPrefix,
      ANALYTICS_STREAM: keys.analyticsStream,
      // A replaced consumer's pending entries are claimed after 1 s (not 30 s).
      ANALYTICS_MIN_IDLE_MS: '1000',
      ANALYTICS_CLAIM_INTERVAL_MS: '250',
      ANALYTICS_BATCH_SIZE: '10',
    },
    critic: { CRITIC_TOKEN_PREFIX: keys.criticPrefix },
    'response-generator': { RESPOND_CACHE_PREFIX: keys.responsePrefix },
  };
  const serviceEnv: Record<string, Record<string, string>> = {};
  for (const name of new Set([...Object.keys(isolation), ...Object.keys(opts.serviceEnv ?? {})])) {
    serviceEnv[name] = { ...isolation[name], ...opts.serviceEnv?.[name] };
  }

  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let stack: Stack;
  try {
    await redis.connect();
    stack = await startStack({
      ports: 'ephemeral',
      redisUrl,
      ...(opts.services ? { services: opts.services } : {}),
      ...(opts.replicas ? { replicas: opts.replicas } : {}),
      env: { LLM_EMULATOR_LATENCY: 'fixed:0', ...opts.env },
      serviceEnv,
      readyTimeoutMs: opts.readyTimeoutMs ?? 90_000,
      onLine: (label, line) => {
        lines.push({ label, line });
        if (echo) process.stdout.write(`${label.padEnd(22)}| ${line}\n`);
      },
      onUnexpectedExit: (label, code, signal) => unexpectedExits.push({ label, code, signal }),
    });
  } catch (err) {
    await Promise.all([relays?.critic.close(), relays?.classifier.close()]);
    await deleteRunKeys(redis, runId).catch(() => undefined);
    redis.disconnect();
    throw err;
  }
  if (relays) {
    relays.critic.target = stack.urls['critic'];
    relays.classifier.target = stack.urls['intent-classifier'];
  }

  const servicePorts = () => {
    const names = new Set(stack.processes.filter((p) => p.name !== 'cosmos' && !p.hasExited).map((p) => p.name));
    return [...names].map((name) => ({ name, url: stack.urls[name] as string }));
  };

  // Ports of stopped services, held (SO_REUSEPORT, connections reset) until the service is started again.
  const held = new Map<string, Server>();
  const hold = async (name: string) => {
    const srv = createServer((socket) => socket.resetAndDestroy());
    const ok = await new Promise<boolean>((resolve) => {
      srv.once('error', () => resolve(false));
      srv.listen({ port: stack.ports[name], host: '0.0.0.0', reusePort: true }, () => resolve(true));
    });
    if (ok) held.set(name, srv);
  };
  const release = async (name: string) => {
    const srv = held.get(name);
    held.delete(name);
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
  };

  const tail = (name: string, n = 20) =>
    lines
      .filter((l) => l.label === name || l.label.startsWith(`${name}#`))
      .slice(-n)
      .map((l) => `${l.label}| ${l.line}`);

  return {
    stack,
    urls: stack.urls,
    gateway: stack.urls['gateway'] as string,
    runId,
    redis,
    keys,
    lines,
    unexpectedExits,
    relays,
    tail,
    async kill(name, opts) {
      const killed = await stack.kill(name, opts);
      const exits = await Promise.all(killed.map((p) => p.exited));
      if (!held.has(name)) await hold(name);
      return exits;
    },
    async start(name) {
      if (!held.has(name)) await hold(name);
      try {
        // SO_REUSEPORT, so it can bind while the port is held; the hold is released once it is ready.
        await stack.start(name, { env: { REUSE_PORT: 'true' } });
      } catch (err) {
        throw new Error(`${name} did not start again: ${(err as Error).message}\n${tail(name).join('\n')}`, { cause: err });
      } finally {
        await release(name);
      }
    },
    async allHealthy() {
      const problems: string[] = unexpectedExits.map((e) => `${e.label} exited (${e.signal ?? `code ${e.code}`})`);
      for (const { name, url } of servicePorts()) {
        try {
          const res = await httpRequest(`${url}/health`, { fresh: true, timeoutMs: 3_000 });
          if (res.status !== 200) problems.push(`${name} /health answered ${res.status}`);
        } catch (err) {
          problems.push(`${name} /health failed: ${(err as Error).message}`);
        }
      }
      return { ok: problems.length === 0, problems };
    },
    async stop() {
      await Promise.all([...held.keys()].map(release));
      try {
        await stack.stop();
      } finally {
        await Promise.all([relays?.critic.close(), relays?.classifier.close()]);
        closeHttpAgents();
        await deleteRunKeys(redis, runId).catch(() => undefined);
        redis.disconnect();
      }
    },
  };
}

/** Deletes every key and stream of a run (SCAN, bounded). */
async function deleteRunKeys(redis: Redis, runId: string): Promise<void> {
  for (const pattern of [`e2e:${runId}:*`, `{e2e:${runId}}:*`]) {
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (found.length > 0) await redis.unlink(...found);
      cursor = next;
      if (cursor === '0') break;
    }
  }
}
