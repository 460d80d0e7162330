const BRAND = Symbol.for('supportmesh.loadtest.UsageError');

/** Bad command-line arguments (exit code 2, usage printed). */
export class UsageError extends Error {
  readonly code = 'USAGE';
  readonly [BRAND] = true;

  constructor(message = 'invalid arguments', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

export function isUsageError(e: unknown): e is UsageError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
