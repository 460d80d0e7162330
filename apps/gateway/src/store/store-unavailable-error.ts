import { HttpError } from '@supportmesh/service-kit';

const BRAND = Symbol.for('supportmesh.gateway.StoreUnavailableError');

/** 503 `STORE_UNAVAILABLE`: neither Redis nor Cosmos could answer for this conversation; retry later. */
export class StoreUnavailableError extends HttpError {
  readonly [BRAND] = true;

  constructor(retryAfterSec = 5, options?: { cause?: unknown }) {
    super(503, 'STORE_UNAVAILABLE', 'Conversation storage is temporarily unavailable', undefined, {
      cause: options?.cause,
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSec))) },
    });
    this.name = 'StoreUnavailableError';
  }
}

export function isStoreUnavailableError(e: unknown): e is StoreUnavailableError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
