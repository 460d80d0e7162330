interface Flight<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiters: number;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Single-flight: concurrent calls with the same key share one execution. The shared work gets its own AbortSignal,
 * aborted only when every caller waiting on it has aborted; one caller giving up never cancels the others.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /** Number of keys currently in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /**
   * Runs `fn` for `key` unless a call with the same key is in flight, in which case it joins that call.
   * `shared` is true for callers that joined an existing flight.
   */
  async do(key: string, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<{ value: T; shared: boolean }> {
    signal?.throwIfAborted();
    let flight = this.#flights.get(key);
    const shared = flight !== undefined;
    if (!flight) {
      const controller = new AbortController();
      const created: Flight<T> = {
        controller,
        waiters: 0,
        promise: Promise.resolve()
          .then(() => fn(controller.signal))
          .finally(() => {
            if (this.#flights.get(key) === created) this.#flights.delete(key);
          }),
      };
      flight = created;
      this.#flights.set(key, flight);
    }
    const current = flight;
    current.waiters++;
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      current.waiters--;
    };
    if (!signal) {
      try {
        return { value: await current.promise, shared };
      } finally {
        leave();
      }
    }
    return new Promise<{ value: T; shared: boolean }>((resolve, reject) => {
      const onAbort = (): void => {
        leave();
        if (current.waiters === 0) {
          // Nobody waits any more: cancel the upstream work and let the next caller start afresh.
          if (this.#flights.get(key) === current) this.#flights.delete(key);
          current.controller.abort(abortReason(signal));
        }
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          leave();
          resolve({ value, shared });
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          leave();
          reject(err);
        },
      );
    });
  }
}
