const BRAND = Symbol.for('@supportmesh/state.StateCorruptError');

/** A stored value could not be decoded (not the JSON / binary layout this package writes). */
export class StateCorruptError extends Error {
  readonly code = 'STATE_CORRUPT' as const;
  readonly [BRAND] = true;

  constructor(message = 'Stored state could not be decoded', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateCorruptError';
  }
}

export function isStateCorruptError(e: unknown): e is StateCorruptError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
