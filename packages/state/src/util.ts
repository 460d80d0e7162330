import { RedisTimeoutError } from './errors/redis-timeout-error.js';

/** Race a promise against a deadline; the timer never keeps the process alive. */
export function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisTimeoutError(timeoutMs)), timeoutMs);
    timer.unref();
    promise.then(
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

/** TTLs in Redis are whole seconds; round up so a value never lives shorter than asked. */
export function wholeSeconds(sec: number): number {
  return Math.max(1, Math.ceil(sec));
}

export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
  }
  return 'HANDLER_FAILED';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** MULTI/EXEC reports per-command errors inside the result list; surface the first one. */
export function assertExec(results: [Error | null, unknown][] | null): unknown[] {
  // Only a failed WATCH makes EXEC answer null, and this package never WATCHes.
  return (results ?? []).map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
