import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { isBreakerOpenError, isTimeoutError, parseRetryAfter } from '@supportmesh/resilience';
import { isPoolExhaustedError } from './errors/pool-exhausted-error.js';

/** How one failed upstream attempt is treated. */
export type FailureKind =
  /** 429: fail over, cool the deployment down for retry-after; not a breaker failure. */
  | 'RATE_LIMITED'
  /** 5xx / 408: fail over, counts towards the breaker. */
  | 'UPSTREAM_ERROR'
  | 'TIMEOUT'
  | 'CONNECTION'
  /** Refused without an upstream call. */
  | 'CIRCUIT_OPEN'
  | 'POOL_EXHAUSTED'
  | 'QUOTA_EXCEEDED'
  /** 4xx other than 408/429: the request is wrong, not the deployment. */
  | 'REJECTED'
  | 'ABORTED'
  | 'UNKNOWN';

export interface Classified {
  readonly kind: FailureKind;
  readonly status?: number | undefined;
  readonly retryAfterMs?: number | undefined;
}

/** HTTP status of an SDK error, when it has one. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof APIError && typeof err.status === 'number' ? err.status : undefined;
}

export function classifyFailure(err: unknown, now: number = Date.now()): Classified {
  if (err instanceof APIUserAbortError) return { kind: 'ABORTED' };
  if (err instanceof APIConnectionTimeoutError || isTimeoutError(err)) return { kind: 'TIMEOUT' };
  if (err instanceof APIConnectionError) return { kind: 'CONNECTION' };
  if (isBreakerOpenError(err)) return { kind: 'CIRCUIT_OPEN', retryAfterMs: err.retryAfterMs };
  if (isPoolExhaustedError(err)) return { kind: 'POOL_EXHAUSTED' };
  const status = statusOf(err);
  if (status !== undefined) {
    const retryAfterMs = parseRetryAfter((err as APIError).headers, now);
    if (status === 429) return { kind: 'RATE_LIMITED', status, retryAfterMs };
    if (status >= 500 || status === 408) return { kind: 'UPSTREAM_ERROR', status, retryAfterMs };
    return { kind: 'REJECTED', status };
  }
  if (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError') return { kind: 'ABORTED' };
  return { kind: 'UNKNOWN' };
}

/** Whether an outcome says the deployment is unhealthy (counts towards opening its breaker). */
export function isDeploymentFailure(err: unknown): boolean {
  const { kind } = classifyFailure(err);
  return kind === 'UPSTREAM_ERROR' || kind === 'TIMEOUT' || kind === 'CONNECTION' || kind === 'UNKNOWN';
}

/** Kinds worth another round after a wait; a round of only open breakers / full pools fails fast. */
export const RETRYABLE_KINDS: ReadonlySet<string> = new Set<FailureKind>([
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'TIMEOUT',
  'CONNECTION',
  'QUOTA_EXCEEDED',
  'UNKNOWN',
]);
