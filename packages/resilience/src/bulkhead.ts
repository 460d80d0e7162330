import { abortReason } from './abort.js';
import { BulkheadRejectedError } from './errors/bulkhead-rejected-error.js';

export interface BulkheadOptions {
  /** Calls allowed to run at the same time. */
  readonly maxConcurrent: number;
  /** Calls allowed to wait for a slot; beyond that they are rejected at once. @default 0 */
  readonly maxQueue?: number;
  /** Longest wait in the queue before rejection (`queue_timeout`); undefined = no limit. */
  readonly queueTimeoutMs?: number;
}

type Waiter = () => void;

/**
 * Limits concurrency: at most `maxConcurrent` calls run, at most `maxQueue` wait (FIFO),
 * the rest are rejected with {@link BulkheadRejectedError} (code `BULKHEAD_FULL`).
 */
export class Bulkhead {
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  readonly #queueTimeoutMs: number | undefined;
  readonly #queue: Waiter[] = [];
  #active = 0;

  constructor(opts: BulkheadOptions) {
    if (!Number.isInteger(opts.maxConcurrent) || opts.maxConcurrent < 1) {
      throw new RangeError('Bulkhead maxConcurrent must be an integer >= 1');
    }
    this.#maxConcurrent = opts.maxConcurrent;
    this.#maxQueue = Math.max(0, opts.maxQueue ?? 0);
    this.#queueTimeoutMs = opts.queueTimeoutMs;
  }

  /** Calls running now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Runs `fn` when a slot is free. A `signal` that aborts while queued removes the call from the queue. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await fn();
    } finally {
      this.#release();
    }
  }

  #acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#active < this.#maxConcurrent) {
      this.#active++;
      return Promise.resolve();
    }
    if (this.#queue.length >= this.#maxQueue) {
      return Promise.reject(new BulkheadRejectedError('queue_full'));
    }
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const leave = (): void => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        leave();
        reject(abortReason(signal as AbortSignal));
      };
      const waiter: Waiter = () => {
        leave();
        resolve();
      };
      this.#queue.push(waiter);
      if (this.#queueTimeoutMs !== undefined) {
        timer = setTimeout(() => {
          leave();
          reject(new BulkheadRejectedError('queue_timeout'));
        }, this.#queueTimeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(): void {
    const next = this.#queue[0];
    if (next) {
      // The slot passes straight to the next waiter; `active` stays the same.
      next();
    } else {
      this.#active--;
    }
  }
}
