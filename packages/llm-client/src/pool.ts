import { Agent, fetch as undiciFetch } from 'undici';
import type { PoolStats } from '@supportmesh/contracts';
import { PoolExhaustedError } from './errors/pool-exhausted-error.js';

/** The seed's pool statistics shape (per deployment and aggregated), shared through the contracts package. */
export type { PoolStats };
export type BreakerStateName = PoolStats['circuit_breaker_state'];

export interface PoolOptions {
  readonly name: string;
  readonly enabled: boolean;
  readonly minConnections: number;
  readonly maxConnections: number;
  /** Max wait for a free slot. */
  readonly connectionTimeoutMs: number;
  readonly maxWaiters: number;
  readonly keepAliveTimeoutMs: number;
  readonly now?: () => number;
}

/** A granted slot; call exactly once when the upstream call is over (idempotent). */
export type Release = () => void;

interface Waiter {
  grant: () => void;
  fail: (err: unknown) => void;
}

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Connection pool of one deployment: a slot semaphore (at most `maxConnections` upstream calls at once, a bounded
 * FIFO of waiters, each waiting at most `connectionTimeoutMs`) in front of an undici keep-alive Agent limited to
 * the same number of sockets per origin. When disabled it only counts.
 */
export class ConnectionPool {
  readonly name: string;
  readonly enabled: boolean;
  readonly #opts: PoolOptions;
  readonly #agent: Agent | undefined;
  readonly #waiters: Waiter[] = [];
  readonly #now: () => number;
  #active = 0;
  #totalRequests = 0;
  #totalErrors = 0;
  #waitTotalMs = 0;
  #waitCount = 0;
  #closed = false;

  constructor(opts: PoolOptions) {
    this.name = opts.name;
    this.enabled = opts.enabled;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#agent = opts.enabled
      ? new Agent({
          connections: opts.maxConnections,
          keepAliveTimeout: opts.keepAliveTimeoutMs,
          keepAliveMaxTimeout: Math.max(opts.keepAliveTimeoutMs, 60_000),
          pipelining: 1,
        })
      : undefined;
  }

  /** A fetch bound to this pool's keep-alive sockets (global fetch when the pool is disabled). */
  get fetch(): FetchLike {
    const agent = this.#agent;
    if (!agent) return (input, init) => globalThis.fetch(input, init);
    return (input, init) =>
      undiciFetch(input as Parameters<typeof undiciFetch>[0], {
        ...(init as Parameters<typeof undiciFetch>[1]),
        dispatcher: agent,
      }) as unknown as Promise<Response>;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Waits for a free slot. Rejects with {@link PoolExhaustedError} when none frees up within the connection timeout
   * or the waiter queue is full, and with the signal's reason when the caller aborts.
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    signal?.throwIfAborted();
    this.#totalRequests++;
    if (this.#closed) {
      this.#totalErrors++;
      return Promise.reject(new PoolExhaustedError(this.name, 'closed'));
    }
    const started = this.#now();
    if (!this.enabled || this.#active < this.#opts.maxConnections) {
      this.#active++;
      this.#recordWait(0);
      return Promise.resolve(this.#releaser());
    }
    if (this.#waiters.length >= this.#opts.maxWaiters) {
      this.#totalErrors++;
      return Promise.reject(new PoolExhaustedError(this.name, 'queue_full'));
    }
    return new Promise<Release>((resolve, reject) => {
      const timers: { timer?: ReturnType<typeof setTimeout> } = {};
      const cleanup = (): void => {
        clearTimeout(timers.timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
      };
      const waiter: Waiter = {
        grant: () => {
          cleanup();
          this.#active++;
          this.#recordWait(this.#now() - started);
          resolve(this.#releaser());
        },
        fail: (err) => {
          cleanup();
          reject(err);
        },
      };
      const onAbort = (): void => waiter.fail(signal?.reason ?? new DOMException('This operation was aborted', 'AbortError'));
      timers.timer = setTimeout(() => {
        this.#totalErrors++;
        waiter.fail(new PoolExhaustedError(this.name, 'timeout', { waitedMs: this.#now() - started }));
      }, this.#opts.connectionTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Counts a failed upstream call made through this pool. */
  recordError(): void {
    this.#totalErrors++;
  }

  stats(breakerState: BreakerStateName, now: Date = new Date(this.#now())): PoolStats {
    const size = this.enabled ? this.#opts.maxConnections : 0;
    return {
      pool_enabled: this.enabled,
      pool_size: size,
      active_connections: this.#active,
      available_connections: this.enabled ? Math.max(0, size - this.#active) : 0,
      total_requests: this.#totalRequests,
      total_errors: this.#totalErrors,
      circuit_breaker_state: breakerState,
      avg_wait_time_ms: this.#waitCount === 0 ? 0 : Math.round((this.#waitTotalMs / this.#waitCount) * 100) / 100,
      timestamp: now.toISOString(),
    };
  }

  /** Sum of slot wait times and number of granted slots, for weighted aggregation. */
  get waitTotals(): { totalMs: number; count: number } {
    return { totalMs: this.#waitTotalMs, count: this.#waitCount };
  }

  /** Fails every waiter and closes idle sockets; in-flight calls finish on their own. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of [...this.#waiters]) w.fail(new PoolExhaustedError(this.name, 'closed'));
    await this.#agent?.close().catch(() => undefined);
  }

  #recordWait(ms: number): void {
    this.#waitTotalMs += Math.max(0, ms);
    this.#waitCount++;
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      const next = this.#waiters.shift();
      if (next) next.grant();
    };
  }
}

const SEVERITY: Record<BreakerStateName, number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

/** Aggregates per-deployment stats: sums sizes and counts, worst breaker state, wait time weighted by grants. */
export function aggregatePoolStats(
  parts: readonly { stats: PoolStats; wait: { totalMs: number; count: number } }[],
  now: Date = new Date(),
): PoolStats {
  let worst: BreakerStateName = 'CLOSED';
  let waitMs = 0;
  let waitCount = 0;
  const out: PoolStats = {
    pool_enabled: false,
    pool_size: 0,
    active_connections: 0,
    available_connections: 0,
    total_requests: 0,
    total_errors: 0,
    circuit_breaker_state: 'CLOSED',
    avg_wait_time_ms: 0,
    timestamp: now.toISOString(),
  };
  for (const { stats, wait } of parts) {
    out.pool_enabled ||= stats.pool_enabled;
    out.pool_size += stats.pool_size;
    out.active_connections += stats.active_connections;
    out.available_connections += stats.available_connections;
    out.total_requests += stats.total_requests;
    out.total_errors += stats.total_errors;
    if (SEVERITY[stats.circuit_breaker_state] > SEVERITY[worst]) worst = stats.circuit_breaker_state;
    waitMs += wait.totalMs;
    waitCount += wait.count;
  }
  out.circuit_breaker_state = worst;
  out.avg_wait_time_ms = waitCount === 0 ? 0 : Math.round((waitMs / waitCount) * 100) / 100;
  return out;
}
