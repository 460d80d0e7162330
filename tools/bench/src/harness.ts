import { DEV_API_KEY, startStack, type Stack, type StackOptions } from './dev.js';
import { readCpuMs, readRssMiB } from './proc.js';

/** Per-run state every suite shares: a run id (Redis prefixes), logging, and the tail of every process's log. */
export class Harness {
  readonly runId: string;
  readonly quick: boolean;
  readonly #tails = new Map<string, string[]>();
  readonly #started = Date.now();
  readonly unexpectedExits: string[] = [];
  readonly #cleanups = new Set<() => Promise<void>>();

  constructor(opts: { runId: string; quick: boolean }) {
    this.runId = opts.runId;
    this.quick = opts.quick;
  }

  log(message: string): void {
    const s = ((Date.now() - this.#started) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[bench ${s}s] ${message}\n`);
  }

  /** Keeps the last 50 lines of each process (shown when a suite fails). */
  line(label: string, line: string): void {
    let tail = this.#tails.get(label);
    if (!tail) {
      tail = [];
      this.#tails.set(label, tail);
    }
    tail.push(line);
    if (tail.length > 50) tail.shift();
  }

  tail(label: string, n = 10): string[] {
    return (this.#tails.get(label) ?? []).slice(-n);
  }

  /** Registers a stop function run by {@link cleanup} (on Ctrl-C); returns its unregistration. */
  track(stop: () => Promise<void>): () => void {
    this.#cleanups.add(stop);
    return () => {
      this.#cleanups.delete(stop);
    };
  }

  /** Stops everything still registered (processes this run started). */
  async cleanup(): Promise<void> {
    const all = [...this.#cleanups];
    this.#cleanups.clear();
    await Promise.allSettled(all.map((stop) => stop()));
  }

  /** Starts the Support Mesh stack on ephemeral ports with the bench's settings; stopping it unregisters it. */
  async startStack(opts: Omit<StackOptions, 'ports' | 'onLine' | 'onUnexpectedExit'>): Promise<Stack> {
    const stack = await startStack({
      readyTimeoutMs: 120_000,
      ...opts,
      ports: 'ephemeral',
      onLine: (label, line) => this.line(label, line),
      onUnexpectedExit: (label, code, signal) => {
        const msg = `${label} exited unexpectedly (code ${code ?? '-'}, signal ${signal ?? '-'})`;
        const last = this.tail(label, 3).map((l) => l.slice(0, 300));
        this.unexpectedExits.push(last.length > 0 ? `${msg}; its last lines: ${last.join(' / ')}` : msg);
        this.log(`${msg}; last lines:\n  ${this.tail(label).join('\n  ')}`);
      },
    });
    const untrack = this.track(() => stack.stop());
    return {
      ...stack,
      stop: async () => {
        untrack();
        await stack.stop();
      },
    };
  }
}

/**
 * Gateway limits for load runs. The per-user request limit stays at the gateway's configured maximum and the load
 * is spread over {@link BENCH_USERS} end users (the dev key is a delegate key: `x-user-id` names the end user), so
 * every request still takes the Redis rate-limit path; the token budget is raised so it never blocks a run.
 */
export const BENCH_USERS = 256;
export const GATEWAY_LIMIT_ENV: Readonly<Record<string, string>> = {
  GATEWAY_RATE_LIMIT_PER_MINUTE: '10000',
  GATEWAY_SESSION_RATE_LIMIT_PER_MINUTE: '10000',
  GATEWAY_TOKEN_BUDGET_PER_MINUTE: '100000000',
};

export const GATEWAY_AUTH: Readonly<Record<string, string>> = { 'x-api-key': DEV_API_KEY };

export interface ProcessRef {
  readonly label: string;
  readonly name: string;
  readonly pid: number;
}

/** Live processes of a stack (services and stand-ins). */
export function stackProcesses(stack: Stack): ProcessRef[] {
  return stack.processes.filter((p) => !p.hasExited && p.child.pid !== undefined).map((p) => ({ label: p.label, name: p.name, pid: p.child.pid as number }));
}

export function cpuSnapshot(procs: readonly ProcessRef[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of procs) {
    const ms = readCpuMs(p.pid);
    if (ms !== undefined) out.set(p.label, ms);
  }
  return out;
}

export function rssSnapshot(procs: readonly ProcessRef[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of procs) {
    const mib = readRssMiB(p.pid);
    if (mib !== undefined) out[p.label] = mib;
  }
  return out;
}

const PROBE_ROUTES = new Set(['/metrics', '/health', '/ready']);

/** Parses Prometheus text: sum of `metric` samples whose labels pass `keep`. */
export function sumMetric(text: string, metric: string, keep: (labels: Record<string, string>) => boolean = () => true): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== metric) continue;
    const labels: Record<string, string> = {};
    for (const lm of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1] as string] = lm[2] as string;
    const v = Number(m[3]);
    if (Number.isFinite(v) && keep(labels)) sum += v;
  }
  return sum;
}

export async function scrape(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

/** HTTP requests a service has served, probes and scrapes excluded (`http_server_requests_total`). */
export async function servedRequests(url: string): Promise<number | undefined> {
  const text = await scrape(url);
  return text === undefined ? undefined : sumMetric(text, 'http_server_requests_total', (l) => !PROBE_ROUTES.has(l['route'] ?? ''));
}

/** Creates `n` conversations through the gateway, owned round-robin by the bench users. */
export async function createConversations(gatewayUrl: string, n: number, concurrency = 16): Promise<{ id: string; user: string }[]> {
  const out: { id: string; user: string }[] = new Array(n);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const user = `bench-user-${i % BENCH_USERS}`;
      const res = await fetch(`${gatewayUrl}/v1/conversations`, {
        method: 'POST',
        headers: { ...GATEWAY_AUTH, 'x-user-id': user },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 201) throw new Error(`POST /v1/conversations answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      out[i] = { id: ((await res.json()) as { conversationId: string }).conversationId, user };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Median of a non-empty list (undefined when empty). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Sends a probe turn every 2 s until one comes back whole (200, nothing degraded) — after an overload step the
 * gateway's breakers may still be open — or `timeoutMs` passes. Returns whether the stack recovered.
 */
export async function waitHealthyTurn(h: Harness, gatewayUrl: string, conversation: { id: string; user: string }, timeoutMs = 45_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${gatewayUrl}/v1/conversations/${conversation.id}/messages`, {
        method: 'POST',
        headers: { ...GATEWAY_AUTH, 'x-user-id': conversation.user, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Where is my order? (bench health check)' }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json().catch(() => ({}))) as { degraded?: unknown };
      if (res.status === 200 && Array.isArray(body.degraded) && body.degraded.length === 0) return true;
      last = `${res.status} ${JSON.stringify(body).slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(2_000);
  }
  h.log(`stack did not answer a whole turn within ${timeoutMs / 1000} s (last: ${last}); continuing`);
  return false;
}
