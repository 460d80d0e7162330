import { HttpError } from './http-error.js';

const BRAND = Symbol.for('supportmesh.service-kit.RateLimitedError');

/** 429: too many requests; answered with `Retry-After` (whole seconds, at least 1). */
export class RateLimitedError extends HttpError {
  override readonly code = 'RATE_LIMITED' as const;
  readonly [BRAND] = true;
  readonly retryAfterSec: number;

  constructor(retryAfterSec: number, message = 'Too many requests', details?: unknown) {
    const seconds = Math.max(1, Math.ceil(retryAfterSec));
    super(429, 'RATE_LIMITED', message, details, { headers: { 'Retry-After': String(seconds) } });
    this.name = 'RateLimitedError';
    this.retryAfterSec = seconds;
  }
}

export function isRateLimitedError(e: unknown): e is RateLimitedError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
