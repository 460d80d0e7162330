import { HttpError } from './http-error.js';

const BRAND = Symbol.for('supportmesh.service-kit.UnauthorizedError');

/** 401: missing or invalid credentials. */
export class UnauthorizedError extends HttpError {
  override readonly code = 'UNAUTHORIZED' as const;
  readonly [BRAND] = true;

  constructor(message = 'Authentication required', details?: unknown, options?: { cause?: unknown }) {
    super(401, 'UNAUTHORIZED', message, details, options);
    this.name = 'UnauthorizedError';
  }
}

export function isUnauthorizedError(e: unknown): e is UnauthorizedError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
