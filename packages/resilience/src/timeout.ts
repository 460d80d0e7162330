import { abortReason } from './abort.js';
import { TimeoutError } from './errors/timeout-error.js';

/**
 * Runs `fn` with a deadline. `fn` receives a signal that aborts when the deadline passes or
 * `parentSignal` aborts, so the inner call (HTTP request, SDK call) is really cancelled.
 *
 * Rejects with {@link TimeoutError} (code `TIMEOUT`) on the deadline, and with the parent's abort
 * reason (an `AbortError` by default) when the caller cancels — at once, without waiting for `fn`
 * to notice. Uses `setTimeout`, so `vi.useFakeTimers()` controls it.
 */
export function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  ms: number,
  parentSignal?: AbortSignal,
): Promise<T> {
  if (parentSignal?.aborted) return Promise.reject(abortReason(parentSignal));
  const controller = new AbortController();

  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      parentSignal?.removeEventListener('abort', onParentAbort);
      return true;
    };
    const onParentAbort = (): void => {
      if (!finish()) return;
      const reason = abortReason(parentSignal as AbortSignal);
      controller.abort(reason);
      reject(reason);
    };
    const timer = setTimeout(() => {
      if (!finish()) return;
      const err = new TimeoutError(ms);
      controller.abort(err);
      reject(err);
    }, Math.max(0, ms));
    parentSignal?.addEventListener('abort', onParentAbort, { once: true });

    let inner: Promise<T>;
    try {
      inner = fn(controller.signal);
    } catch (err) {
      inner = Promise.reject(err);
    }
    inner.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (err: unknown) => {
        if (finish()) reject(err);
      },
    );
  });
}
