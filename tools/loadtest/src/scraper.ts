import { z } from 'zod';
import { parsePrometheusText, histogramQuantile, type Bucket, type PromSample } from './prometheus.js';
import type { PoolSignal, ServiceSignal, SignalSample } from './result-schema.js';
import { sleep } from './sleep.js';

export const POOL_STATS_PATH = '/api/v1/pool/stats';
/** An agent's own pool statistics (`{ aggregate, deployments }`, e.g. the response-generator's; the gateway sums these). */
export const AGENT_POOL_STATS_PATH = '/v1/pool/stats';

/** Routes that are the scraper's own traffic or probes, left out of the latency signal. */
const OWN_ROUTES = new Set(['/metrics', '/health', '/ready', POOL_STATS_PATH, AGENT_POOL_STATS_PATH]);
const DURATION_BUCKET = 'http_server_request_duration_seconds_bucket';
const STREAM_LAG = /(^|_)stream(s)?_.*(lag|pending)|(lag|pending).*_stream(s)?(_|$)|^redis_stream/;
const P95_WINDOW_S = 60;

/** The seed's pool-stats shape, read leniently (extra keys ignored). */
const PoolStatsBody = z.object({
  pool_size: z.number(),
  active_connections: z.number(),
  available_connections: z.number(),
  total_requests: z.number().optional(),
  total_errors: z.number().optional(),
  circuit_breaker_state: z.enum(['CLOSED', 'OPEN', 'HALF_OPEN']),
  avg_wait_time_ms: z.number().optional(),
});

export interface ScraperOptions {
  /** Service name → base URL. */
  readonly services: Readonly<Record<string, string>>;
  /** Sent as `x-api-key` to the gateway only (pool stats may sit behind auth there). */
  readonly apiKey?: string;
  readonly gatewayName?: string;
  /** ms since the run started. */
  readonly now: () => number;
  readonly intervalMs?: number;
  /** Per scrape request; generous because a saturated service answers /metrics late too. @default 2000 */
  readonly timeoutMs?: number;
}

/** Reads the scaling signals from one `/metrics` body (tolerates every metric being absent). */
export function signalFromMetrics(samples: readonly PromSample[]): Omit<ServiceSignal, 'p95Ms'> & { buckets: Bucket[] } {
  let inFlight: number | undefined;
  let poolActive: number | undefined;
  let poolAvailable: number | undefined;
  let poolWaiting: number | undefined;
  let streamLag: number | undefined;
  let rssBytes: number | undefined;
  let llmCostUsd: number | undefined;
  let processStartS: number | undefined;
  let cacheHits: number | undefined;
  let cacheMisses: number | undefined;
  const breakers: Record<string, number> = {};
  const buckets = new Map<number, number>();
  const add = (cur: number | undefined, v: number) => (cur ?? 0) + v;
  for (const s of samples) {
    if (!Number.isFinite(s.value) || s.value < 0) continue;
    switch (s.name) {
      case 'http_server_requests_in_flight':
        inFlight = add(inFlight, s.value);
        break;
      case 'circuit_breaker_state': {
        const name = s.labels.name ?? 'default';
        breakers[name] = Math.max(breakers[name] ?? 0, s.value);
        break;
      }
      case 'llm_pool_active_connections':
        poolActive = add(poolActive, s.value);
        break;
      case 'llm_pool_available_connections':
        poolAvailable = add(poolAvailable, s.value);
        break;
      case 'llm_pool_waiting':
        poolWaiting = add(poolWaiting, s.value);
        break;
      case 'process_resident_memory_bytes':
        rssBytes = s.value;
        break;
      case 'process_start_time_seconds':
        processStartS = s.value;
        break;
      case 'llm_cost_usd_total':
        llmCostUsd = add(llmCostUsd, s.value);
        break;
      case 'cache_hits_total':
        if (s.labels.cache === 'llm') cacheHits = add(cacheHits, s.value);
        break;
      case 'cache_misses_total':
        if (s.labels.cache === 'llm') cacheMisses = add(cacheMisses, s.value);
        break;
      case DURATION_BUCKET: {
        if (OWN_ROUTES.has(s.labels.route ?? '')) break;
        const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
        if (!Number.isNaN(le)) buckets.set(le, (buckets.get(le) ?? 0) + s.value);
        break;
      }
      default:
        if (STREAM_LAG.test(s.name)) streamLag = Math.max(streamLag ?? 0, s.value);
    }
  }
  return {
    up: true,
    ...(inFlight !== undefined ? { inFlight } : {}),
    ...(Object.keys(breakers).length ? { breakers } : {}),
    ...(poolActive !== undefined ? { poolActive } : {}),
    ...(poolAvailable !== undefined ? { poolAvailable } : {}),
    ...(poolWaiting !== undefined ? { poolWaiting } : {}),
    ...(streamLag !== undefined ? { streamLag } : {}),
    ...(rssBytes !== undefined ? { rssBytes } : {}),
    ...(llmCostUsd !== undefined ? { llmCostUsd } : {}),
    ...(processStartS !== undefined ? { processStartS } : {}),
    ...(cacheHits !== undefined ? { llmCacheHits: cacheHits } : {}),
    ...(cacheMisses !== undefined ? { llmCacheMisses: cacheMisses } : {}),
    buckets: [...buckets].map(([le, count]) => ({ le, count })),
  };
}

/** p95 (ms) of the observations between two cumulative bucket snapshots; undefined without data or after a reset. */
export function windowP95Ms(older: readonly Bucket[], newer: readonly Bucket[]): number | undefined {
  const before = new Map(older.map((b) => [b.le, b.count]));
  const delta: Bucket[] = [];
  for (const b of newer) {
    const d = b.count - (before.get(b.le) ?? 0);
    if (d < 0) return undefined;
    delta.push({ le: b.le, count: d });
  }
  const q = histogramQuantile(0.95, delta);
  return q === undefined ? undefined : Math.round(q * 1000 * 1000) / 1000;
}

/**
 * Polls `/metrics` of every service and `/api/v1/pool/stats` where it is served, once a second, and keeps
 * one {@link SignalSample} per poll. Unreachable services are recorded as `up: false`; missing metrics are
 * simply absent from the sample.
 */
export class SignalScraper {
  readonly samples: SignalSample[] = [];
  private readonly history = new Map<string, { t: number; buckets: Bucket[] }[]>();
  /** Service → the pool-stats path it answered at discovery. */
  private readonly poolPaths = new Map<string, string>();
  private loop: Promise<void> | undefined;
  private readonly stopper = new AbortController();

  constructor(private readonly opts: ScraperOptions) {}

  /**
   * Finds which services answer pool statistics (once, before the run): the seed's `/api/v1/pool/stats`, else an
   * agent's `/v1/pool/stats` (its `aggregate`).
   */
  async discoverPoolStats(): Promise<string[]> {
    await Promise.all(
      Object.keys(this.opts.services).map(async (name) => {
        for (const path of [POOL_STATS_PATH, AGENT_POOL_STATS_PATH]) {
          if (await this.poolStats(name, path)) {
            this.poolPaths.set(name, path);
            return;
          }
        }
      }),
    );
    return Object.keys(this.opts.services).filter((n) => this.poolPaths.has(n));
  }

  start(): void {
    if (this.loop) return;
    const interval = this.opts.intervalMs ?? 1000;
    this.loop = (async () => {
      while (!this.stopper.signal.aborted) {
        const started = this.opts.now();
        await this.scrapeOnce();
        await sleep(interval - (this.opts.now() - started), this.stopper.signal);
      }
    })();
  }

  /** Stops the loop and takes one last sample. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
    this.loop = undefined;
    await this.scrapeOnce();
  }

  latest(): SignalSample | undefined {
    return this.samples.at(-1);
  }

  async scrapeOnce(): Promise<SignalSample> {
    const t = this.opts.now() / 1000;
    const names = Object.keys(this.opts.services);
    const [services, pools] = await Promise.all([
      Promise.all(names.map(async (name) => [name, await this.service(name, t)] as const)),
      Promise.all([...this.poolPaths].map(async ([name, path]) => [name, await this.poolStats(name, path)] as const)),
    ]);
    const pool = Object.fromEntries(pools.filter((p): p is [string, PoolSignal] => p[1] !== undefined));
    const sample: SignalSample = {
      t: Math.round(t * 1000) / 1000,
      services: Object.fromEntries(services),
      ...(Object.keys(pool).length ? { pool } : {}),
    };
    this.samples.push(sample);
    return sample;
  }

  private async service(name: string, t: number): Promise<ServiceSignal> {
    const text = await this.get(name, '/metrics');
    if (text === undefined) return { up: false };
    const { buckets, ...signal } = signalFromMetrics(parsePrometheusText(text));
    const hist = this.history.get(name) ?? [];
    this.history.set(name, hist);
    hist.push({ t, buckets });
    while (hist.length > 2 && (hist[1] as { t: number }).t <= t - P95_WINDOW_S) hist.shift();
    const p95Ms = hist.length >= 2 ? windowP95Ms((hist[0] as { buckets: Bucket[] }).buckets, buckets) : undefined;
    return { ...signal, ...(p95Ms !== undefined ? { p95Ms } : {}) };
  }

  private async poolStats(name: string, path: string): Promise<PoolSignal | undefined> {
    const text = await this.get(name, path);
    if (text === undefined) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return undefined;
    }
    const aggregate = (body as { aggregate?: unknown } | null)?.aggregate;
    const parsed = PoolStatsBody.safeParse(aggregate ?? body);
    if (!parsed.success) return undefined;
    const p = parsed.data;
    return {
      size: p.pool_size,
      active: p.active_connections,
      available: p.available_connections,
      state: p.circuit_breaker_state,
      avgWaitMs: p.avg_wait_time_ms ?? 0,
      totalRequests: p.total_requests ?? 0,
      totalErrors: p.total_errors ?? 0,
    };
  }

  private async get(name: string, path: string): Promise<string | undefined> {
    const base = this.opts.services[name];
    if (!base) return undefined;
    try {
      const headers: Record<string, string> = {};
      if (name === (this.opts.gatewayName ?? 'gateway') && this.opts.apiKey) headers['x-api-key'] = this.opts.apiKey;
      const res = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 2000) });
      const text = await res.text();
      return res.ok ? text : undefined;
    } catch {
      return undefined;
    }
  }
}
