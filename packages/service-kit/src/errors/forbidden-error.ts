import { HttpError } from './http-error.js';

const BRAND = Symbol.for('supportmesh.service-kit.ForbiddenError');

/** 403: authenticated, but not allowed to do this. */
export class ForbiddenError extends HttpError {
  override readonly code = 'FORBIDDEN' as const;
  readonly [BRAND] = true;

  constructor(message = 'Forbidden', details?: unknown, options?: { cause?: unknown }) {
    super(403, 'FORBIDDEN', message, details, options);
    this.name = 'ForbiddenError';
  }
}

export function isForbiddenError(e: unknown): e is ForbiddenError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
