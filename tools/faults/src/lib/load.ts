import { Agent, request } from 'undici';
import { percentile, sleep } from './stats.js';

export interface LoadRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface LoadSample {
  readonly i: number;
  readonly startedAt: number;
  readonly ms: number;
  readonly status?: number;
  /** Error code when no response came (ECONNRESET, UND_ERR_SOCKET, …). */
  readonly error?: string;
  readonly headers?: Record<string, string | string[] | undefined>;
  readonly json?: unknown;
}

export interface LoadOptions {
  readonly baseUrl: string;
  /** Requests started per second (open loop). */
  readonly rps: number;
  /** Requests beyond this many in flight are skipped (counted). @default 200 */
  readonly maxInFlight?: number;
  readonly make: (i: number) => LoadRequest;
  /** Per-request deadline. @default 30_000 */
  readonly timeoutMs?: number;
  /** Shared keep-alive agent; one is made (and closed) when not given. */
  readonly agent?: Agent;
  /** Keep-alive connections of the agent made here. @default 16 */
  readonly connections?: number;
}

export interface LoadReport {
  readonly sent: number;
  readonly skipped: number;
  readonly byStatus: Record<string, number>;
  readonly errors: Record<string, number>;
  /** Connection reset / closed by the other side before an answer. */
  readonly resets: number;
  readonly non2xx: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly samples: readonly LoadSample[];
}

const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** A keep-alive agent for the load driver (undici: one pool per origin, `connections` sockets). */
export function keepAliveAgent(connections = 16): Agent {
  return new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connect: { timeout: 5_000 } });
}

/** One request through undici; never throws (errors are samples). */
export async function send(agent: Agent, baseUrl: string, req: LoadRequest, i = 0, timeoutMs = 30_000): Promise<LoadSample> {
  const startedAt = Date.now();
  const t0 = performance.now();
  try {
    const res = await request(`${baseUrl}${req.path}`, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { i, startedAt, ms: performance.now() - t0, status: res.statusCode, headers: res.headers, json };
  } catch (err) {
    const e = err as { code?: string; name?: string; cause?: { code?: string } };
    return { i, startedAt, ms: performance.now() - t0, error: e.code ?? e.cause?.code ?? e.name ?? 'ERROR' };
  }
}

/** Open-loop load at a steady rate over keep-alive connections until `stop()`. */
export class LoadDriver {
  readonly #o: LoadOptions;
  readonly #agent: Agent;
  readonly #ownAgent: boolean;
  readonly #samples: LoadSample[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #loop: Promise<void> | undefined;
  #skipped = 0;
  #sent = 0;

  constructor(opts: LoadOptions) {
    this.#o = opts;
    this.#ownAgent = opts.agent === undefined;
    this.#agent = opts.agent ?? keepAliveAgent(opts.connections ?? 16);
  }

  start(): this {
    this.#running = true;
    this.#loop = this.#run();
    return this;
  }

  /** Samples so far (the driver keeps running). */
  get samples(): readonly LoadSample[] {
    return this.#samples;
  }

  async #run(): Promise<void> {
    const start = performance.now();
    const interval = 1000 / this.#o.rps;
    for (let i = 0; this.#running; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (!this.#running) break;
      if (this.#inFlight.size >= (this.#o.maxInFlight ?? 200)) {
        this.#skipped++;
        continue;
      }
      this.#sent++;
      const p = send(this.#agent, this.#o.baseUrl, this.#o.make(i), i, this.#o.timeoutMs).then((s) => {
        this.#samples.push(s);
      });
      this.#inFlight.add(p);
      void p.finally(() => this.#inFlight.delete(p));
    }
  }

  /** Stops starting requests, waits for the ones in flight, and reports. */
  async stop(): Promise<LoadReport> {
    this.#running = false;
    await this.#loop;
    await Promise.all([...this.#inFlight]);
    if (this.#ownAgent) await this.#agent.close();
    return summarize(this.#samples, this.#sent, this.#skipped);
  }
}

export function summarize(samples: readonly LoadSample[], sent = samples.length, skipped = 0): LoadReport {
  const byStatus: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let resets = 0;
  let non2xx = 0;
  for (const s of samples) {
    if (s.status !== undefined) {
      byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
      if (s.status < 200 || s.status > 299) non2xx++;
    } else {
      const code = s.error ?? 'ERROR';
      errors[code] = (errors[code] ?? 0) + 1;
      if (RESET_CODES.has(code)) resets++;
      non2xx++;
    }
  }
  const ms = samples.map((s) => s.ms);
  return {
    sent,
    skipped,
    byStatus,
    errors,
    resets,
    non2xx,
    p50Ms: Math.round(percentile(ms, 50)),
    p99Ms: Math.round(percentile(ms, 99)),
    maxMs: Math.round(Math.max(0, ...ms)),
    samples,
  };
}

export function isReset(code: string | undefined): boolean {
  return code !== undefined && RESET_CODES.has(code);
}
