import { abortReason, isAbortError, sleep as defaultSleep } from './abort.js';
import { isBreakerOpenError } from './errors/breaker-open-error.js';
import { isBulkheadRejectedError } from './errors/bulkhead-rejected-error.js';

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  /** How long we wait before the next attempt. */
  readonly delayMs: number;
  readonly error: unknown;
}

export interface RetryOptions {
  /** Total attempts, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Backoff base: the cap for the wait after attempt n is `min(maxDelayMs, baseDelayMs * 2^(n-1))`. @default 100 */
  readonly baseDelayMs?: number;
  /** Upper bound of the jittered backoff (a server's retry-after may be longer). @default 10_000 */
  readonly maxDelayMs?: number;
  /** Total time budget from the first attempt; we give up when the next wait would end past it. @default Infinity */
  readonly budgetMs?: number;
  /**
   * Whether an error is worth another attempt.
   * @default every error except cancellations, `BreakerOpenError` and `BulkheadRejectedError`
   */
  readonly isRetryable?: (err: unknown) => boolean;
  /** The server's requested wait for this error (see `parseRetryAfter`); the next attempt never starts earlier. */
  readonly retryAfterMs?: (err: unknown) => number | undefined;
  /** Cancels the waits and is handed to every attempt. */
  readonly signal?: AbortSignal;
  /** Random source in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
  /** Clock for the budget. @default Date.now */
  readonly now?: () => number;
  /** Wait implementation. @default a `setTimeout` sleep (fake timers control it) */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each wait. */
  readonly onRetry?: (info: RetryInfo) => void;
}

const ATTEMPTS = 'attempts';

function defaultIsRetryable(err: unknown): boolean {
  return !isAbortError(err) && !isBreakerOpenError(err) && !isBulkheadRejectedError(err);
}

function recordAttempts(err: unknown, attempts: number): void {
  if (typeof err === 'object' && err !== null && Object.isExtensible(err)) {
    Object.defineProperty(err, ATTEMPTS, { value: attempts, enumerable: false, configurable: true, writable: true });
  }
}

/** How many attempts `retry` made before it gave up with this error (undefined if it did not come from `retry`). */
export function retryAttempts(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const n = (err as Record<string, unknown>)[ATTEMPTS];
  return typeof n === 'number' ? n : undefined;
}

/**
 * Calls `fn` until it succeeds, the error is not retryable, `maxAttempts` is reached, or the next
 * wait would overrun `budgetMs`. Waits use exponential backoff with full jitter
 * (`random() * min(maxDelayMs, baseDelayMs * 2^(n-1))`) but never less than the server's
 * retry-after. On giving up, throws the last error with `attempts` recorded on it (`retryAttempts(err)`).
 */
export async function retry<T>(
  fn: (attempt: number, signal: AbortSignal) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const maxAttempts = Math.max(1, Math.floor(opts.maxAttempts ?? 3));
  const baseDelayMs = opts.baseDelayMs ?? 100;
  const maxDelayMs = opts.maxDelayMs ?? 10_000;
  const budgetMs = opts.budgetMs ?? Number.POSITIVE_INFINITY;
  const isRetryable = opts.isRetryable ?? defaultIsRetryable;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const signal = opts.signal ?? new AbortController().signal;

  const startedAt = now();
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (signal.aborted) throw abortReason(signal);
    try {
      return await fn(attempt, signal);
    } catch (err) {
      if (signal.aborted || attempt >= maxAttempts || !isRetryable(err)) {
        recordAttempts(err, attempt);
        throw err;
      }
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const jittered = Math.floor(random() * cap);
      const serverWait = opts.retryAfterMs?.(err);
      const delayMs = Math.max(jittered, serverWait !== undefined && serverWait > 0 ? Math.ceil(serverWait) : 0);
      if (now() + delayMs - startedAt > budgetMs) {
        recordAttempts(err, attempt);
        throw err;
      }
      opts.onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs, signal);
    }
  }
  // Unreachable: the last attempt either returns or throws above.
  throw new RangeError('retry: attempts exhausted');
}
