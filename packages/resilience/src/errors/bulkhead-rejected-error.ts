const BRAND = Symbol.for('supportmesh.resilience.BulkheadRejectedError');

/** Why a call was refused for lack of capacity. */
export type BulkheadRejectReason = 'capacity' | 'queue_full' | 'queue_timeout';

/**
 * A call was refused because too many calls were already running (and, for a bulkhead, its
 * queue was full or the call waited in the queue too long). Never counted as an upstream failure.
 */
export class BulkheadRejectedError extends Error {
  readonly code = 'BULKHEAD_FULL' as const;
  readonly [BRAND] = true;
  readonly reason: BulkheadRejectReason;

  constructor(reason: BulkheadRejectReason, options?: { message?: string; cause?: unknown }) {
    super(options?.message ?? `Rejected: no capacity (${reason})`, { cause: options?.cause });
    this.name = 'BulkheadRejectedError';
    this.reason = reason;
  }
}

export function isBulkheadRejectedError(e: unknown): e is BulkheadRejectedError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
