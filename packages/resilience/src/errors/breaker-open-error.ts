const BRAND = Symbol.for('supportmesh.resilience.BreakerOpenError');

/**
 * The circuit breaker refused the call without reaching the upstream: it is open, or it is
 * half-open and its single probe is already in flight. `retryAfterMs` is the time until the
 * breaker will next let a probe through (0 when a probe is in flight and its outcome is pending).
 */
export class BreakerOpenError extends Error {
  readonly code = 'CIRCUIT_OPEN' as const;
  readonly [BRAND] = true;
  /** Name of the breaker (usually the downstream it protects). */
  readonly breaker: string;
  /** Milliseconds until the next half-open probe is allowed. */
  readonly retryAfterMs: number;

  constructor(breaker: string, retryAfterMs: number, options?: { message?: string; cause?: unknown }) {
    super(options?.message ?? `Circuit breaker '${breaker}' is open`, { cause: options?.cause });
    this.name = 'BreakerOpenError';
    this.breaker = breaker;
    this.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
  }
}

export function isBreakerOpenError(e: unknown): e is BreakerOpenError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
