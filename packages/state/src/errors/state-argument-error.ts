const BRAND = Symbol.for('@supportmesh/state.StateArgumentError');

/** A caller passed a value the store cannot accept (bad points, empty vector, non-positive TTL). */
export class StateArgumentError extends Error {
  readonly code = 'STATE_INVALID_ARGUMENT' as const;
  readonly [BRAND] = true;

  constructor(message = 'Invalid argument for a state operation', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateArgumentError';
  }
}

export function isStateArgumentError(e: unknown): e is StateArgumentError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
