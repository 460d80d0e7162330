const BRAND = Symbol.for('supportmesh.llm-client.PoolExhaustedError');

export type PoolExhaustedReason = 'timeout' | 'queue_full' | 'closed';

/** No connection slot of a deployment's pool became free in time (or its waiter queue was full). */
export class PoolExhaustedError extends Error {
  readonly code = 'POOL_EXHAUSTED' as const;
  readonly [BRAND] = true;
  readonly deployment: string;
  readonly reason: PoolExhaustedReason;

  constructor(deployment: string, reason: PoolExhaustedReason, options?: { cause?: unknown; waitedMs?: number }) {
    const why =
      reason === 'timeout'
        ? `no slot within ${options?.waitedMs ?? 0} ms`
        : reason === 'queue_full'
          ? 'waiter queue full'
          : 'pool closed';
    super(`Connection pool of deployment "${deployment}" exhausted: ${why}`, { cause: options?.cause });
    this.name = 'PoolExhaustedError';
    this.deployment = deployment;
    this.reason = reason;
  }
}

export function isPoolExhaustedError(e: unknown): e is PoolExhaustedError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
