const BRAND = Symbol.for('@supportmesh/state.RedisTimeoutError');

/** A Redis call did not answer within its deadline (treated like Redis being down). */
export class RedisTimeoutError extends Error {
  readonly code = 'REDIS_TIMEOUT' as const;
  readonly [BRAND] = true;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, message = `Redis did not answer within ${timeoutMs} ms`) {
    super(message);
    this.name = 'RedisTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

export function isRedisTimeoutError(e: unknown): e is RedisTimeoutError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
