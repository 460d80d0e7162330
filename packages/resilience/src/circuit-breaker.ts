import Opossum from 'opossum';
import { isAbortError } from './abort.js';
import { BreakerOpenError } from './errors/breaker-open-error.js';
import { BulkheadRejectedError } from './errors/bulkhead-rejected-error.js';
import { isTimeoutError, TimeoutError } from './errors/timeout-error.js';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** Listener arguments per event. */
export interface BreakerEventMap {
  /** The breaker opened (threshold reached, or the half-open probe failed). */
  open: [];
  /** `resetTimeoutMs` passed: the next call is the single probe. */
  halfOpen: [];
  /** The probe succeeded: calls flow again. */
  close: [];
  /** A call was refused without reaching upstream (open, probe in flight, or `capacity` full). */
  reject: [error: BreakerOpenError | BulkheadRejectedError];
  /** A call timed out (breaker `timeoutMs`, or the call threw a `TimeoutError`); also emitted as `failure`. */
  timeout: [error: unknown, latencyMs: number];
  /** The `fallback` option answered instead of the upstream. */
  fallback: [error: unknown];
  /** The upstream answered. */
  success: [latencyMs: number];
  /** The upstream failed (counted towards opening). Neutral outcomes emit nothing. */
  failure: [error: unknown, latencyMs: number];
}
export type BreakerEventName = keyof BreakerEventMap;
export type BreakerListener<E extends BreakerEventName> = (...args: BreakerEventMap[E]) => void;

/** What telemetry needs from a breaker (see `bindBreakerMetrics`). */
export interface BreakerEvents {
  readonly name: string;
  readonly state: BreakerState;
  /** Subscribes; returns a disposer that unsubscribes. */
  on<E extends BreakerEventName>(event: E, listener: BreakerListener<E>): () => void;
}

export interface BreakerOptions<A extends unknown[] = unknown[], R = unknown> {
  /** Shown in errors and metrics labels. @default the function's name or 'breaker' */
  readonly name?: string;
  /**
   * `consecutive`: open after `failureThreshold` failures in a row (a success resets the count).
   * `percentage`: opossum's rolling window: open when the failure rate in the last
   * `rollingCountTimeoutMs` exceeds `errorThresholdPercentage` with at least `volumeThreshold` calls.
   * @default 'consecutive'
   */
  readonly mode?: 'consecutive' | 'percentage';
  /** Consecutive failures that open the breaker (mode `consecutive`). @default 5 */
  readonly failureThreshold?: number;
  /** Failure rate (%) that opens the breaker (mode `percentage`). @default 50 */
  readonly errorThresholdPercentage?: number;
  /** Minimum calls in the window before the rate is considered (mode `percentage`). @default 10 */
  readonly volumeThreshold?: number;
  /** Length of the rolling window (mode `percentage`). @default 10_000 */
  readonly rollingCountTimeoutMs?: number;
  /** Buckets in the rolling window (mode `percentage`). @default 10 */
  readonly rollingCountBuckets?: number;
  /** How long the breaker stays open before one probe is let through. @default 30_000 */
  readonly resetTimeoutMs?: number;
  /**
   * Backstop deadline per call; on expiry the call is rejected with `TimeoutError` and counted as a
   * failure, but `fn` is not cancelled (it gets no signal) — prefer `withTimeout` inside `fn`.
   * @default undefined (no breaker-level deadline)
   */
  readonly timeoutMs?: number;
  /** Concurrent calls allowed; extra calls are rejected with `BulkheadRejectedError`, never counted as failures. @default unlimited */
  readonly capacity?: number;
  /**
   * Whether an error counts as an upstream failure. Return false for errors that say nothing about
   * the upstream's health (e.g. HTTP 4xx): they are rethrown but neutral. @default every error
   */
  readonly isFailure?: (err: unknown) => boolean;
  /** Answer used when a call is rejected or fails (not for neutral outcomes). */
  readonly fallback?: (error: unknown, ...args: A) => R | Promise<R>;
}

type Outcome<R> =
  | { readonly kind: 'success'; readonly value: R }
  | { readonly kind: 'failure'; readonly error: unknown }
  | { readonly kind: 'neutral'; readonly error: unknown };

/** True when one of the call's arguments is an aborted signal (or an options object holding one). */
function callerAborted(args: readonly unknown[]): boolean {
  return args.some((arg) => {
    if (arg instanceof AbortSignal) return arg.aborted;
    if (typeof arg === 'object' && arg !== null && 'signal' in arg) {
      const signal = (arg as { signal?: unknown }).signal;
      return signal instanceof AbortSignal && signal.aborted;
    }
    return false;
  });
}

function isTimeout(err: unknown): boolean {
  return isTimeoutError(err) || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TimeoutError');
}

const REPLAYED_FAILURE = new Error('replayed failure');

/**
 * A circuit breaker on opossum. opossum holds the state (CLOSED/OPEN/HALF_OPEN), the reset timer
 * and, in `percentage` mode, the rolling statistics; this class owns admission (one half-open
 * probe, capacity) and the classification of outcomes (success / failure / neutral). See README.md.
 */
export class CircuitBreaker<A extends unknown[], R> implements BreakerEvents {
  readonly name: string;
  readonly #fn: (...args: A) => Promise<R>;
  readonly #opts: BreakerOptions<A, R>;
  readonly #mode: 'consecutive' | 'percentage';
  readonly #failureThreshold: number;
  readonly #resetTimeoutMs: number;
  readonly #capacity: number;
  readonly #isFailure: (err: unknown) => boolean;
  /** opossum, fed with replayed outcomes only (its action just resolves or rejects). */
  readonly #cb: Opossum<[boolean], void>;
  readonly #listeners = new Map<BreakerEventName, Set<(...args: never[]) => void>>();
  #consecutiveFailures = 0;
  #inFlight = 0;
  #probeInFlight = false;
  #probeStartedAt = 0;
  #openedAt = 0;
  /** Bumped on every close, so calls admitted before an open/close cycle do not count afterwards. */
  #generation = 0;
  #shutdown = false;

  constructor(fn: (...args: A) => Promise<R>, opts: BreakerOptions<A, R> = {}) {
    this.#fn = fn;
    this.#opts = opts;
    this.name = opts.name ?? (fn.name || 'breaker');
    this.#mode = opts.mode ?? 'consecutive';
    this.#failureThreshold = Math.max(1, opts.failureThreshold ?? 5);
    this.#resetTimeoutMs = opts.resetTimeoutMs ?? 30_000;
    this.#capacity = opts.capacity ?? Number.POSITIVE_INFINITY;
    this.#isFailure = opts.isFailure ?? (() => true);

    const percentage = this.#mode === 'percentage';
    this.#cb = new Opossum<[boolean], void>((ok: boolean) => (ok ? Promise.resolve() : Promise.reject(REPLAYED_FAILURE)), {
      name: this.name,
      timeout: false,
      resetTimeout: this.#resetTimeoutMs,
      // In consecutive mode opossum never opens by itself: we call open() on the Nth failure.
      errorThresholdPercentage: percentage ? (opts.errorThresholdPercentage ?? 50) : 100,
      volumeThreshold: percentage ? (opts.volumeThreshold ?? 10) : 0,
      rollingCountTimeout: opts.rollingCountTimeoutMs ?? 10_000,
      rollingCountBuckets: opts.rollingCountBuckets ?? 10,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    this.#cb.on('open', () => {
      this.#openedAt = Date.now();
      this.#emit('open');
    });
    this.#cb.on('halfOpen', () => {
      this.#probeInFlight = false;
      this.#emit('halfOpen');
    });
    this.#cb.on('close', () => {
      this.#consecutiveFailures = 0;
      this.#generation++;
      this.#emit('close');
    });
  }

  get state(): BreakerState {
    if (this.#shutdown || this.#cb.opened) return 'OPEN';
    return this.#cb.halfOpen ? 'HALF_OPEN' : 'CLOSED';
  }

  /** Milliseconds until the next probe is allowed (0 unless OPEN). */
  get retryAfterMs(): number {
    return this.state === 'OPEN' && !this.#shutdown
      ? Math.max(0, this.#openedAt + this.#resetTimeoutMs - Date.now())
      : 0;
  }

  /** Failures in a row so far (mode `consecutive`). */
  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /** Calls currently running through the breaker. */
  get inFlight(): number {
    return this.#inFlight;
  }

  on<E extends BreakerEventName>(event: E, listener: BreakerListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const stored = listener as (...args: never[]) => void;
    set.add(stored);
    return () => {
      this.#listeners.get(event)?.delete(stored);
    };
  }

  /** Calls `fn` through the breaker. Rejects with `BreakerOpenError` when refused. */
  async fire(...args: A): Promise<R> {
    const state = this.state;
    if (state === 'OPEN') {
      return this.#refuse(new BreakerOpenError(this.name, this.retryAfterMs, this.#shutdown ? { message: `Circuit breaker '${this.name}' is shut down` } : undefined), args);
    }
    const probe = state === 'HALF_OPEN';
    if (probe) {
      if (this.#probeInFlight) return this.#refuse(new BreakerOpenError(this.name, this.#probeRemainingMs()), args);
      this.#probeInFlight = true;
      this.#probeStartedAt = Date.now();
    }
    if (this.#inFlight >= this.#capacity) {
      if (probe) this.#probeInFlight = false;
      return this.#refuse(new BulkheadRejectedError('capacity'), args);
    }

    this.#inFlight++;
    const generation = this.#generation;
    const startedAt = Date.now();
    let outcome: Outcome<R>;
    try {
      outcome = { kind: 'success', value: await this.#run(args) };
    } catch (error) {
      const neutral = isAbortError(error) || callerAborted(args) || !this.#isFailure(error);
      outcome = neutral ? { kind: 'neutral', error } : { kind: 'failure', error };
    } finally {
      this.#inFlight--;
      // The half-open slot is released whatever happened (success, failure, timeout, abort, throw).
      if (probe) this.#probeInFlight = false;
    }
    await this.#record(outcome, probe, generation, Date.now() - startedAt);

    if (outcome.kind === 'success') return outcome.value;
    if (outcome.kind === 'failure' && this.#opts.fallback) return this.#fallback(outcome.error, args);
    throw outcome.error;
  }

  /** Stops the reset timer and opossum's stats interval; later calls are refused. */
  shutdown(): void {
    if (this.#shutdown) return;
    this.#shutdown = true;
    this.#cb.shutdown();
    this.#listeners.clear();
  }

  #run(args: A): Promise<R> {
    let call: Promise<R>;
    try {
      call = this.#fn(...args);
    } catch (err) {
      return Promise.reject(err);
    }
    const timeoutMs = this.#opts.timeoutMs;
    if (timeoutMs === undefined) return call;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimeoutError(timeoutMs)), timeoutMs);
      call.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  async #record(outcome: Outcome<R>, probe: boolean, generation: number, latencyMs: number): Promise<void> {
    if (outcome.kind === 'neutral') return; // neither success nor failure; a half-open breaker stays half-open
    if (outcome.kind === 'success') this.#emit('success', latencyMs);
    else {
      if (isTimeout(outcome.error)) this.#emit('timeout', outcome.error, latencyMs);
      this.#emit('failure', outcome.error, latencyMs);
    }
    if (this.#shutdown) return;

    if (probe) {
      if (outcome.kind === 'success') this.#cb.close();
      else this.#cb.open();
      return;
    }
    // Only calls admitted in the current closed period move the state.
    if (!this.#cb.closed || generation !== this.#generation) return;

    if (this.#mode === 'percentage') {
      await this.#cb.fire(outcome.kind === 'success').catch(() => undefined);
      return;
    }
    if (outcome.kind === 'success') {
      this.#consecutiveFailures = 0;
    } else if (++this.#consecutiveFailures >= this.#failureThreshold) {
      this.#cb.open();
    }
  }

  #probeRemainingMs(): number {
    const timeoutMs = this.#opts.timeoutMs;
    return timeoutMs === undefined ? 0 : Math.max(0, this.#probeStartedAt + timeoutMs - Date.now());
  }

  #refuse(error: BreakerOpenError | BulkheadRejectedError, args: A): Promise<R> {
    this.#emit('reject', error);
    if (this.#opts.fallback) return this.#fallback(error, args);
    return Promise.reject(error);
  }

  async #fallback(error: unknown, args: A): Promise<R> {
    const fallback = this.#opts.fallback as NonNullable<BreakerOptions<A, R>['fallback']>;
    const value = await fallback(error, ...args);
    this.#emit('fallback', error);
    return value;
  }

  #emit<E extends BreakerEventName>(event: E, ...args: BreakerEventMap[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: BreakerEventMap[E]) => void)(...args);
      } catch (err) {
        // A broken listener (e.g. metrics) must never break the call path.
        process.emitWarning(`circuit breaker '${this.name}' ${event} listener threw: ${String(err)}`);
      }
    }
  }
}

/** Wraps `fn` in a {@link CircuitBreaker} (defaults: 5 consecutive failures, 30 s open, one half-open probe). */
export function createCircuitBreaker<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  opts: BreakerOptions<A, R> = {},
): CircuitBreaker<A, R> {
  return new CircuitBreaker(fn, opts);
}
