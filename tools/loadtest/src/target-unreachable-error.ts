const BRAND = Symbol.for('supportmesh.loadtest.TargetUnreachableError');

/** The gateway did not answer its health check before the run (stack not started?). */
export class TargetUnreachableError extends Error {
  readonly code = 'TARGET_UNREACHABLE';
  readonly [BRAND] = true;

  constructor(message = 'the target did not answer', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetUnreachableError';
  }
}

export function isTargetUnreachableError(e: unknown): e is TargetUnreachableError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
