const BRAND = Symbol.for('supportmesh.bench.UsageError');

/** A bad command line; the CLI prints the message and the usage, exit code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE' as const;
  readonly [BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

export function isUsageError(e: unknown): e is UsageError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
