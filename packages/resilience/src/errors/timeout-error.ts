const BRAND = Symbol.for('supportmesh.resilience.TimeoutError');

/** An operation did not finish within its deadline; the inner call was aborted. */
export class TimeoutError extends Error {
  readonly code = 'TIMEOUT' as const;
  readonly [BRAND] = true;
  /** The deadline that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: { message?: string; cause?: unknown }) {
    super(options?.message ?? `Timed out after ${timeoutMs} ms`, { cause: options?.cause });
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

export function isTimeoutError(e: unknown): e is TimeoutError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
