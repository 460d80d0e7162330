import { HttpError } from './http-error.js';

const BRAND = Symbol.for('supportmesh.service-kit.ServiceUnavailableError');

/** 503: temporarily unable to serve; with `Retry-After` when `retryAfterSec` is given. */
export class ServiceUnavailableError extends HttpError {
  override readonly code = 'SERVICE_UNAVAILABLE' as const;
  readonly [BRAND] = true;
  readonly retryAfterSec: number | undefined;

  constructor(retryAfterSec?: number, message = 'Service temporarily unavailable', options?: { cause?: unknown; details?: unknown }) {
    const seconds = retryAfterSec === undefined ? undefined : Math.max(1, Math.ceil(retryAfterSec));
    super(503, 'SERVICE_UNAVAILABLE', message, options?.details, {
      cause: options?.cause,
      headers: seconds === undefined ? {} : { 'Retry-After': String(seconds) },
    });
    this.name = 'ServiceUnavailableError';
    this.retryAfterSec = seconds;
  }
}

export function isServiceUnavailableError(e: unknown): e is ServiceUnavailableError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
