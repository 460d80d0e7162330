const BRAND = Symbol.for('supportmesh.capacity.CapacityInputError');

/** Bad input to the simulator (scenario, manifests, profile, cost model, CLI flags): the message says what and where. */
export class CapacityInputError extends Error {
  readonly code = 'CAPACITY_INPUT_INVALID' as const;
  readonly [BRAND] = true;

  constructor(message = 'invalid simulator input', options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CapacityInputError';
  }
}

export function isCapacityInputError(e: unknown): e is CapacityInputError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
