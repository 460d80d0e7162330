import { HttpError } from './http-error.js';

const BRAND = Symbol.for('supportmesh.service-kit.NotFoundError');

/** 404: the resource does not exist. */
export class NotFoundError extends HttpError {
  override readonly code = 'NOT_FOUND' as const;
  readonly [BRAND] = true;

  constructor(message = 'Not found', details?: unknown, options?: { cause?: unknown }) {
    super(404, 'NOT_FOUND', message, details, options);
    this.name = 'NotFoundError';
  }
}

export function isNotFoundError(e: unknown): e is NotFoundError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
