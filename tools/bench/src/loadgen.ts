import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { LatencyRecorder, type LatencySummary } from './histogram.js';

/** What one request produced (handed to {@link RequestSpec.observe}). */
export interface Outcome {
  readonly seq: number;
  /** Undefined when the answer was acceptable. */
  readonly error: string | undefined;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body text when `check` or `observe` is set (else undefined). */
  readonly body: string | undefined;
  readonly latencyMs: number;
}

/** One kind of request, built per sequence number (so every request can carry a unique body). */
export interface RequestSpec {
  readonly method?: 'GET' | 'POST';
  readonly path: string | ((seq: number) => string);
  readonly headers?: Readonly<Record<string, string>> | ((seq: number) => Readonly<Record<string, string>>);
  readonly body?: (seq: number) => string;
  /**
   * Looks at a 2xx answer and returns an error code when it is not acceptable (undefined = ok).
   * Without `check` and `observe`, any 2xx is ok and the body is discarded unread.
   */
  readonly check?: (status: number, headers: Outcome['headers'], body: string, seq: number) => string | undefined;
  /** Called for every recorded request (inside the measured window) with its outcome and latency. */
  readonly observe?: (outcome: Outcome) => void;
}

export interface LoadTarget {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly request: RequestSpec;
}

interface CommonOptions {
  readonly target: LoadTarget;
  /** Measured window. */
  readonly durationMs: number;
  /** Load before the window, not recorded (JIT, connection set-up, caches of the system under test). @default 0 */
  readonly warmupMs?: number;
  /** Headers/body timeout per request. @default 30000 */
  readonly timeoutMs?: number;
}

export interface ClosedOptions extends CommonOptions {
  /** Connections, each sending its next request as soon as the previous answer is read. */
  readonly connections: number;
  /** Stop after this many requests (the window then ends when the last one is answered). */
  readonly maxRequests?: number;
}

export interface OpenOptions extends CommonOptions {
  /** Arrival rate (requests per second), independent of how fast answers come. */
  readonly rate: number;
  /** Connection cap; requests beyond it queue inside the generator (and that wait counts). @default 1024 */
  readonly maxConnections?: number;
  /** Outstanding requests beyond which new arrivals are dropped and counted as `generator_overflow`. @default 20000 */
  readonly maxInFlight?: number;
}

/** What the generator itself used, to show it was not the bottleneck. */
export interface GeneratorStats {
  /** CPU of the generator's process over the window, % of one core. */
  readonly cpuPercent: number;
  /** Generator CPU per recorded request (µs). */
  readonly cpuUsPerRequest: number;
  /** Open model: how late sends left compared with their intended time (p99, ms). */
  readonly sendLagP99Ms?: number;
}

export interface LoadResult {
  readonly model: 'closed' | 'open';
  readonly connections?: number;
  readonly targetRps?: number;
  /** Length of the measured window (s). */
  readonly windowS: number;
  /** Requests whose (intended) send time fell inside the window. */
  readonly sent: number;
  readonly ok: number;
  readonly errorCount: number;
  /** Error code (`http_503:CODE`, `ECONNRESET`, `timeout`, `generator_overflow`, or what `check` returned) → count. */
  readonly errors: Readonly<Record<string, number>>;
  /** Successful answers per second in the window. */
  readonly throughputRps: number;
  /** Latency of successful answers: closed from send, open from the intended send time (no coordinated omission). */
  readonly latency: LatencySummary;
  /** Most requests outstanding at once (open model: concurrent requests the target held). */
  readonly maxInFlight: number;
  /** Mean outstanding requests over the window (sampled every 100 ms). */
  readonly meanInFlight: number;
  readonly generator: GeneratorStats;
}

const pathOf = (spec: RequestSpec, seq: number) => (typeof spec.path === 'function' ? spec.path(seq) : spec.path);
const headersOf = (spec: RequestSpec, seq: number) => (typeof spec.headers === 'function' ? spec.headers(seq) : spec.headers) ?? {};

function errorCodeOf(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  if (e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.name === 'string' ? e.name : 'error';
}

function envelopeCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

interface Sent {
  readonly error: string | undefined;
  readonly status: number;
  readonly headers: Outcome['headers'];
  readonly body: string | undefined;
}

const NO_HEADERS: Outcome['headers'] = {};

/** Runs one request; resolves with its outcome (error code or undefined). Never rejects. */
async function send(pool: Pool, spec: RequestSpec, seq: number): Promise<Sent> {
  try {
    const body = spec.body?.(seq);
    const res = await pool.request({
      path: pathOf(spec, seq),
      method: spec.method ?? (body === undefined ? 'GET' : 'POST'),
      headers: headersOf(spec, seq),
      ...(body === undefined ? {} : { body }),
    });
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    if (!ok) {
      const text = await res.body.text();
      const code = envelopeCode(text);
      return { error: code ? `http_${res.statusCode}:${code}` : `http_${res.statusCode}`, status: res.statusCode, headers: res.headers, body: text };
    }
    if (spec.check || spec.observe) {
      const text = await res.body.text();
      return { error: spec.check?.(res.statusCode, res.headers, text, seq), status: res.statusCode, headers: res.headers, body: text };
    }
    await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
    return { error: undefined, status: res.statusCode, headers: res.headers, body: undefined };
  } catch (err) {
    return { error: errorCodeOf(err), status: 0, headers: NO_HEADERS, body: undefined };
  }
}

class Tally {
  readonly latency = new LatencyRecorder();
  readonly errors: Record<string, number> = {};
  sent = 0;
  ok = 0;
  errorCount = 0;
  inFlight = 0;
  maxInFlight = 0;
  #samples = 0;
  #sampleSum = 0;
  #sampler: NodeJS.Timeout | undefined;

  startSampling(): void {
    this.#sampler = setInterval(() => {
      this.#samples++;
      this.#sampleSum += this.inFlight;
    }, 100);
  }

  stopSampling(): void {
    clearInterval(this.#sampler);
  }

  get meanInFlight(): number {
    return this.#samples === 0 ? 0 : this.#sampleSum / this.#samples;
  }

  begin(): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  end(recorded: boolean, error: string | undefined, latencyMs: number): void {
    this.inFlight--;
    if (!recorded) return;
    if (error === undefined) {
      this.ok++;
      this.latency.recordMs(latencyMs);
    } else {
      this.errorCount++;
      this.errors[error] = (this.errors[error] ?? 0) + 1;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function makePool(origin: string, connections: number, timeoutMs: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 10_000),
  });
}

function result(model: 'closed' | 'open', tally: Tally, windowMs: number, cpuUs: number, extra: Partial<LoadResult> & { sendLagP99Ms?: number }): LoadResult {
  const windowS = windowMs / 1000;
  const { sendLagP99Ms, ...rest } = extra;
  return {
    model,
    ...rest,
    windowS: Math.round(windowS * 1000) / 1000,
    sent: tally.sent,
    ok: tally.ok,
    errorCount: tally.errorCount,
    errors: tally.errors,
    throughputRps: Math.round((tally.ok / windowS) * 10) / 10,
    latency: tally.latency.summary(),
    maxInFlight: tally.maxInFlight,
    meanInFlight: Math.round(tally.meanInFlight * 10) / 10,
    generator: {
      cpuPercent: Math.round((cpuUs / 1000 / windowMs) * 1000) / 10,
      cpuUsPerRequest: tally.sent === 0 ? 0 : Math.round(cpuUs / tally.sent),
      ...(sendLagP99Ms === undefined ? {} : { sendLagP99Ms }),
    },
  };
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * Closed model: `connections` loops, each sends, reads the whole answer, sends again. Requests sent during the
 * warm-up are not recorded; requests sent inside the window are recorded even if they finish after it.
 */
export async function runClosed(opts: ClosedOptions): Promise<LoadResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const pool = makePool(opts.target.origin, opts.connections, timeoutMs);
  const tally = new Tally();
  const spec = opts.target.request;
  const t0 = performance.now();
  const windowStart = t0 + (opts.warmupMs ?? 0);
  const windowEnd = windowStart + opts.durationMs;
  let seq = 0;
  let cpuStart: number | undefined;
  const armWindow = setTimeout(() => {
    cpuStart = cpuNow();
    tally.startSampling();
  }, Math.max(0, windowStart - performance.now()));
  const loop = async () => {
    // Bounded: every iteration advances time by at least one round trip; stops at windowEnd.
    for (;;) {
      const started = performance.now();
      if (started >= windowEnd || (opts.maxRequests !== undefined && seq >= opts.maxRequests)) return;
      const recorded = started >= windowStart;
      if (recorded) tally.sent++;
      const mySeq = seq++;
      tally.begin();
      const sent = await send(pool, spec, mySeq);
      const latencyMs = performance.now() - started;
      tally.end(recorded, sent.error, latencyMs);
      if (recorded) spec.observe?.({ seq: mySeq, latencyMs, ...sent });
      if (sent.error !== undefined && !recorded) await sleep(10);
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.connections }, loop));
  } finally {
    clearTimeout(armWindow);
    tally.stopSampling();
    await pool.close().catch(() => pool.destroy());
  }
  const cpuUs = cpuNow() - (cpuStart ?? cpuNow());
  const windowMs = opts.maxRequests === undefined ? opts.durationMs : Math.max(1, Math.min(opts.durationMs, performance.now() - windowStart));
  return result('closed', tally, windowMs, cpuUs, { connections: opts.connections });
}

/**
 * Open model: arrivals at a fixed rate whatever the answers do. Latency runs from each request's intended send
 * time, so queueing inside the generator or the target is never hidden (no coordinated omission).
 */
export async function runOpen(opts: OpenOptions): Promise<LoadResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxInFlight = opts.maxInFlight ?? 20_000;
  const pool = makePool(opts.target.origin, opts.maxConnections ?? 1024, timeoutMs);
  const tally = new Tally();
  const lag = new LatencyRecorder();
  const spec = opts.target.request;
  const warmupMs = opts.warmupMs ?? 0;
  const intervalMs = 1000 / opts.rate;
  const total = Math.floor(((warmupMs + opts.durationMs) * opts.rate) / 1000);
  const firstRecorded = Math.ceil((warmupMs * opts.rate) / 1000);
  const outstanding = new Set<Promise<void>>();
  const t0 = performance.now();
  let cpuStart: number | undefined;

  for (let i = 0; i < total; i++) {
    const intended = t0 + i * intervalMs;
    let now = performance.now();
    // A timer may fire a little early against performance.now() (libuv's cached loop time): never send early.
    while (intended > now) {
      await sleep(Math.max(1, intended - now));
      now = performance.now();
    }
    const recorded = i >= firstRecorded;
    if (i === firstRecorded) {
      cpuStart = cpuNow();
      tally.startSampling();
    }
    if (recorded) {
      tally.sent++;
      lag.recordMs(Math.max(0, now - intended));
    }
    if (tally.inFlight >= maxInFlight) {
      tally.begin();
      tally.end(recorded, 'generator_overflow', 0);
      continue;
    }
    tally.begin();
    const p: Promise<void> = send(pool, spec, i).then((sent) => {
      const latencyMs = performance.now() - intended;
      tally.end(recorded, sent.error, latencyMs);
      if (recorded) spec.observe?.({ seq: i, latencyMs, ...sent });
      outstanding.delete(p);
    });
    outstanding.add(p);
  }
  // Requests still outstanding finish (or time out) before the result is final.
  await Promise.all([...outstanding]);
  tally.stopSampling();
  const cpuUs = cpuNow() - (cpuStart ?? cpuNow());
  await pool.close().catch(() => pool.destroy());
  return result('open', tally, opts.durationMs, cpuUs, { targetRps: opts.rate, sendLagP99Ms: lag.percentileMs(99) });
}
