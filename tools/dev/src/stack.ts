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
import { INFRA, localEnv, SERVICES, type ProcessSpec } from './services.js';

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

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const redisUrl = opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const wanted = SERVICES.filter((s) => (!opts.services || opts.services.includes(s.name)) && existsSync(path.join(REPO_ROOT, s.entry)));
  const specs = [...INFRA, ...wanted];
  const ports: Record<string, number> = {};
  for (const spec of specs) ports[spec.name] = opts.ports === 'ephemeral' ? await freePort() : spec.port;
  // Every service learns every other service's URL (also the ones not started: calls to them fail fast).
  for (const spec of SERVICES) ports[spec.name] ??= opts.ports === 'ephemeral' ? await freePort() : spec.port;

  const base = localEnv(redisUrl);
  const url = (name: string) => `http://127.0.0.1:${ports[name]}`;
  const env: Record<string, string> = {
    ...base,
    LLM_ENDPOINT: `${url('llm-emulator')}/v1`,
    COSMOS_ENDPOINT: `https://127.0.0.1:${ports.cosmos}`,
    INTENT_CLASSIFIER_URL: url('intent-classifier'),
    KNOWLEDGE_RETRIEVAL_URL: url('knowledge-retrieval'),
    RESPONSE_GENERATOR_URL: url('response-generator'),
    ESCALATION_URL: url('escalation'),
    ANALYTICS_URL: url('analytics'),
    CRITIC_URL: url('critic'),
    SPEECH_CONNECTOR_URL: url('speech-connector'),
    ...opts.env,
  };
  const urls: Record<string, string> = {};
  for (const name of Object.keys(ports)) urls[name] = name === 'cosmos' ? `https://127.0.0.1:${ports[name]}` : url(name);

  const processes: ManagedProcess[] = [];
  const killed = new WeakSet<ManagedProcess>();
  let stopping = false;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;

  const spawnOne = (spec: ProcessSpec, replica: number, replicas: number, extraEnv?: Readonly<Record<string, string>>): ManagedProcess => {
    const label = replicas > 1 ? `${spec.name}#${replica + 1}` : spec.name;
    const child = spawn(process.execPath, ['--conditions=@supportmesh/source', '--import', 'tsx', path.join(REPO_ROOT, spec.entry)], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...env,
        ...opts.serviceEnv?.[spec.name],
        ...extraEnv,
        PORT: String(ports[spec.name]),
        ...(spec.name === 'llm-emulator' ? { LLM_EMULATOR_PORT: String(ports[spec.name]) } : {}),
        ...(spec.name === 'cosmos' ? { COSMOS_PORT: String(ports[spec.name]) } : {}),
        ...(replicas > 1 ? { REUSE_PORT: 'true', REPLICA_ID: String(replica + 1) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => opts.onLine?.(label, line));
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
    return managed;
  };

  const startService = async (name: string, count: number, extraEnv?: Readonly<Record<string, string>>) => {
    const spec = ALL.find((s) => s.name === name);
    if (!spec) throw new Error(`unknown process "${name}"`);
    const started = Array.from({ length: count }, (_, r) => spawnOne(spec, r, count, extraEnv));
    const deadline = Date.now() + readyTimeoutMs;
    await waitReady(ports[name] as number, spec.readyPath, deadline, () => started.every((p) => p.hasExited));
    return started;
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
    env,
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
