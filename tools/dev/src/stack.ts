/**
 * Starts the Support Mesh stack as real processes: the LLM emulator, the Cosmos-compatible server and
 * every service (each replica its own Node process). Used by `npm start` (fixed ports from the design)
 * and by the integration and fault tests (ephemeral ports, several replicas, kill/restart).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVICE_PORTS } from '@supportmesh/contracts';
import { INFRA, localEnv, SERVICE_NODE_FLAGS, SERVICES, type ProcessSpec } from './services.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface StackOptions {
  /** Services to start (default: every service whose entry file exists). */
  readonly services?: readonly string[];
  /** Processes per service; replicas share one port through SO_REUSEPORT. */
  readonly replicas?: Readonly<Record<string, number>>;
  /** `fixed`: the design's ports (npm start). `ephemeral`: free ports picked at start (tests). */
  readonly ports?: 'fixed' | 'ephemeral';
  readonly redisUrl?: string;
  /** Extra environment for every process. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra environment per process name (service or `llm-emulator` / `cosmos`). */
  readonly serviceEnv?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Called with every log line of every process. */
  readonly onLine?: (label: string, line: string) => void;
  /** Called when a process exits on its own (not through stop/kill). */
  readonly onUnexpectedExit?: (label: string, code: number | null, signal: NodeJS.Signals | null) => void;
  readonly readyTimeoutMs?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly label: string;
  readonly replica: number;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited: boolean;
}

export interface Stack {
  readonly ports: Readonly<Record<string, number>>;
  readonly urls: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly processes: readonly ManagedProcess[];
  /** Sends `signal` to one replica (default: all replicas) of a process and waits for it to exit. */
  kill(name: string, opts?: { signal?: NodeJS.Signals; replica?: number; timeoutMs?: number }): Promise<ManagedProcess[]>;
  /** Starts (again) `count` replicas of a service and waits until it is ready. */
  start(name: string, opts?: { count?: number; env?: Readonly<Record<string, string>> }): Promise<ManagedProcess[]>;
  /** SIGTERM to every process, services before the stand-ins; SIGKILL after 15 s. */
  stop(): Promise<void>;
}

const ALL: readonly ProcessSpec[] = [...INFRA, ...SERVICES];

/** The variable each service's URL is passed in. */
const SERVICE_URL_VARS: Readonly<Record<string, string>> = {
  'intent-classifier': 'INTENT_CLASSIFIER_URL',
  'knowledge-retrieval': 'KNOWLEDGE_RETRIEVAL_URL',
  'response-generator': 'RESPONSE_GENERATOR_URL',
  escalation: 'ESCALATION_URL',
  analytics: 'ANALYTICS_URL',
  critic: 'CRITIC_URL',
  'speech-connector': 'SPEECH_CONNECTOR_URL',
};

/** A port that was free a moment ago (listen on 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function waitReady(port: number, readyPath: string | undefined, deadline: number, isDead: () => boolean): Promise<void> {
  while (Date.now() < deadline) {
    if (isDead()) throw new Error(`process on port ${port} exited before it was ready`);
    try {
      if (readyPath) {
        const res = await fetch(`http://127.0.0.1:${port}${readyPath}`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } else if (await portOpen(port)) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`port ${port}${readyPath ?? ''} not ready in time`);
}

/**
 * The port a process reports in its `listening` log line (a JSON line with `msg: "listening"` and a numeric `port`):
 * how a process started on port 0 tells which port the kernel gave it.
 */
export function listeningPort(line: string): number | undefined {
  if (!line.startsWith('{') || !line.includes('listening')) return undefined;
  try {
    const rec = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return rec.msg === 'listening' && typeof rec.port === 'number' && rec.port > 0 ? rec.port : undefined;
  } catch {
    return undefined;
  }
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const redisUrl = opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const wanted = SERVICES.filter((s) => (!opts.services || opts.services.includes(s.name)) && existsSync(path.join(REPO_ROOT, s.entry)));
  const specs = [...INFRA, ...wanted];
  const ephemeral = opts.ports === 'ephemeral';
  // Ephemeral: every started process binds port 0 and reports the port it got (a port picked here and bound later
  // by the child could be taken meanwhile, e.g. by a parallel test's stack, whose service would then answer our
  // readiness probe and our calls). Processes start in dependency order (stand-ins, agents, gateway), so each one
  // learns the real URLs of what it calls.
  const ports: Record<string, number> = {};
  if (!ephemeral) for (const spec of specs) ports[spec.name] = spec.port;
  // Every service learns every other service's URL (also the ones not started: calls to them fail fast).
  for (const spec of SERVICES) if (!specs.includes(spec)) ports[spec.name] = ephemeral ? await freePort() : spec.port;

  const base = localEnv(redisUrl);
  const url = (name: string) => `http://127.0.0.1:${ports[name]}`;
  const urls: Record<string, string> = {};
  const env: Record<string, string> = { ...base };
  /** The environment with the URLs of every process whose port is known by now. */
  const refreshEnv = (): Record<string, string> => {
    if (ports['llm-emulator'] !== undefined) env.LLM_ENDPOINT = `${url('llm-emulator')}/v1`;
    if (ports.cosmos !== undefined) env.COSMOS_ENDPOINT = `https://127.0.0.1:${ports.cosmos}`;
    for (const [name, key] of Object.entries(SERVICE_URL_VARS)) if (ports[name] !== undefined) env[key] = url(name);
    Object.assign(env, opts.env);
    for (const name of Object.keys(ports)) urls[name] = name === 'cosmos' ? `https://127.0.0.1:${ports[name]}` : url(name);
    return env;
  };
  refreshEnv();

  const processes: ManagedProcess[] = [];
  const killed = new WeakSet<ManagedProcess>();
  let stopping = false;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;

  const spawnOne = (
    spec: ProcessSpec,
    replica: number,
    replicas: number,
    port: number,
    extraEnv?: Readonly<Record<string, string>>,
  ): { managed: ManagedProcess; listening: Promise<number> } => {
    const label = replicas > 1 ? `${spec.name}#${replica + 1}` : spec.name;
    const flags = spec.infra ? [] : SERVICE_NODE_FLAGS;
    const child = spawn(process.execPath, [...flags, '--conditions=@supportmesh/source', '--import', 'tsx', path.join(REPO_ROOT, spec.entry)], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...refreshEnv(),
        ...opts.serviceEnv?.[spec.name],
        ...extraEnv,
        PORT: String(port),
        ...(spec.name === 'llm-emulator' ? { LLM_EMULATOR_PORT: String(port) } : {}),
        ...(spec.name === 'cosmos' ? { COSMOS_PORT: String(port) } : {}),
        ...(replicas > 1 ? { REUSE_PORT: 'true', REPLICA_ID: String(replica + 1) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let reported: ((port: number) => void) | undefined;
    const listening = new Promise<number>((resolve) => (reported = resolve));
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        if (reported) {
          const bound = listeningPort(line);
          if (bound !== undefined) {
            reported(bound);
            reported = undefined;
          }
        }
        opts.onLine?.(label, line);
      });
    }
    const managed: ManagedProcess = {
      name: spec.name,
      label,
      replica,
      child,
      hasExited: false,
      exited: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          managed.hasExited = true;
          resolve({ code, signal });
        });
      }),
    };
    void managed.exited.then(({ code, signal }) => {
      if (!stopping && !killed.has(managed)) opts.onUnexpectedExit?.(label, code, signal);
    });
    processes.push(managed);
    return { managed, listening };
  };

  /** The port the process reports once it listens; fails when it exits first or takes longer than the deadline. */
  const boundPort = async (p: { managed: ManagedProcess; listening: Promise<number> }, deadline: number): Promise<number> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        p.listening,
        p.managed.exited.then(({ code, signal }) => Promise.reject(new Error(`${p.managed.label} exited (${signal ?? `code ${code}`}) before it listened`))),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${p.managed.label} did not report its port in time (its "listening" line is logged at LOG_LEVEL info)`)), Math.max(0, deadline - Date.now()));
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };

  const startService = async (name: string, count: number, extraEnv?: Readonly<Record<string, string>>) => {
    const spec = ALL.find((s) => s.name === name);
    if (!spec) throw new Error(`unknown process "${name}"`);
    const deadline = Date.now() + readyTimeoutMs;
    const started: ReturnType<typeof spawnOne>[] = [];
    let port = ports[name];
    if (port === undefined) {
      // First start on an ephemeral port: the first replica binds port 0 (with SO_REUSEPORT when there are more),
      // the others join the port it got.
      const first = spawnOne(spec, 0, count, 0, extraEnv);
      started.push(first);
      port = await boundPort(first, deadline);
      ports[name] = port;
      refreshEnv();
    }
    for (let r = started.length; r < count; r++) started.push(spawnOne(spec, r, count, port, extraEnv));
    // Ephemeral (tests): every replica listens (the port answers as soon as one does), then the service is ready.
    if (ephemeral) await Promise.all(started.map((p) => boundPort(p, deadline)));
    const managed = started.map((p) => p.managed);
    await waitReady(port, spec.readyPath, deadline, () => managed.every((p) => p.hasExited));
    return managed;
  };

  const stop = async () => {
    stopping = true;
    const alive = (infra: boolean) => processes.filter((p) => !p.hasExited && Boolean(ALL.find((s) => s.name === p.name)?.infra) === infra);
    for (const group of [alive(false), alive(true)]) {
      await Promise.all(
        group.map(async (p) => {
          const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
          p.child.kill('SIGTERM');
          await p.exited;
          clearTimeout(timer);
        }),
      );
    }
  };

  try {
    await Promise.all(INFRA.map((spec) => startService(spec.name, 1)));
    // Agents first, then the gateway: its /ready checks only its own stores, so a gateway started together with the
    // agents could answer the first turns degraded.
    const [edge, agents] = [wanted.filter((s) => s.name === 'gateway'), wanted.filter((s) => s.name !== 'gateway')];
    await Promise.all(agents.map((spec) => startService(spec.name, opts.replicas?.[spec.name] ?? 1)));
    await Promise.all(edge.map((spec) => startService(spec.name, opts.replicas?.[spec.name] ?? 1)));
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    ports,
    urls,
    env: refreshEnv(),
    processes,
    stop,
    start: (name, o) => startService(name, o?.count ?? 1, o?.env),
    async kill(name, o = {}) {
      const targets = processes.filter((p) => p.name === name && !p.hasExited && (o.replica === undefined || p.replica === o.replica));
      await Promise.all(
        targets.map(async (p) => {
          killed.add(p);
          const timer = setTimeout(() => p.child.kill('SIGKILL'), o.timeoutMs ?? 15_000);
          p.child.kill(o.signal ?? 'SIGTERM');
          await p.exited;
          clearTimeout(timer);
        }),
      );
      return targets;
    },
  };
}

export { SERVICE_PORTS };
