import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { StateArgumentError } from './errors/state-argument-error.js';
import { withDeadline } from './util.js';

export type RateLimitFailMode = 'open' | 'closed';

export interface RateLimiterOptions {
  redis: Redis;
  /** Namespaces the counters: keys are `${keyPrefix}:${key}`. */
  keyPrefix: string;
  /** Points allowed per window. */
  points: number;
  /** Fixed window length: the counter starts with the first consume and resets `durationSec` later. */
  durationSec: number;
  /** When a key exceeds its points, block it for this long instead of until the window ends. */
  blockDurationSec?: number;
  /**
   * What to do when Redis is unreachable or slow:
   * - `'open'` (default): answer from a per-process `RateLimiterMemory` insurance limiter (`degraded: true`).
   * - `'closed'`: refuse (`allowed: false, degraded: true, retryAfterMs: 1000`).
   */
  failMode?: RateLimitFailMode;
  /** Points per window for the per-process insurance limiter. @default points */
  insurancePoints?: number;
  /** Your own insurance limiter for fail-open mode instead of the built-in `RateLimiterMemory`. */
  insuranceLimiter?: RateLimiterAbstract;
  /**
   * Give back the points of a rejected consume, so a request that does not fit does not burn the rest
   * of the window (use for token budgets). Off by default: for request counts it makes no difference
   * and with `blockDurationSec` every rejected attempt would restart the block. @default false
   */
  refundRejected?: boolean;
  /** Deadline for one Redis round trip before it counts as down. @default 500 */
  timeoutMs?: number;
  /** Called with the Redis error whenever a decision could not be made in Redis. */
  onRedisError?: (err: unknown) => void;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Points left in the current window (0 when limited). */
  remaining: number;
  /** 0 when allowed; otherwise how long to wait before the key may consume again. */
  retryAfterMs: number;
  /** Milliseconds until the current window (or block) ends; for `X-RateLimit-Reset`-style headers. */
  resetMs: number;
  /** True when Redis could not answer and the fail mode decided (insurance limiter or fail-closed). */
  degraded: boolean;
}

export interface RateLimiter {
  /** Consume `points` (default 1; an integer ≥ 0, e.g. a token count) for `key`. Never throws for "limited". */
  consume(key: string, points?: number): Promise<RateLimitResult>;
  /** Forget `key`'s counter (admin / tests). */
  reset(key: string): Promise<void>;
}

export const FAIL_CLOSED_RETRY_AFTER_MS = 1_000;

/**
 * Fixed-window rate limiter shared by every replica through Redis (`RateLimiterRedis`, one atomic
 * INCRBY+EXPIRE script per consume). In fail-open mode a `RateLimiterMemory` is the insurance limiter:
 * while Redis is down each process enforces `insurancePoints` on its own.
 */
export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const { redis, keyPrefix, points, durationSec } = opts;
  if (!Number.isInteger(points) || points < 1) throw new StateArgumentError('points must be an integer >= 1');
  if (!Number.isInteger(durationSec) || durationSec < 1) {
    throw new StateArgumentError('durationSec must be an integer >= 1');
  }
  const failMode = opts.failMode ?? 'open';
  const blockDuration = opts.blockDurationSec ?? 0;
  const timeoutMs = opts.timeoutMs ?? 500;

  const store = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration: durationSec,
    blockDuration,
    // Do not queue behind a reconnecting client: go to the fail mode at once.
    rejectIfRedisNotReady: true,
  });
  // The insurance limiter is consulted here rather than through the library's `insuranceLimiter`
  // option (same behaviour) so that a degraded answer can be reported and the Redis error surfaced.
  const insurance: RateLimiterAbstract | undefined =
    failMode === 'open'
      ? (opts.insuranceLimiter ??
        new RateLimiterMemory({ keyPrefix, points: opts.insurancePoints ?? points, duration: durationSec, blockDuration }))
      : undefined;

  return {
    async consume(key, consumePoints = 1) {
      if (!Number.isInteger(consumePoints) || consumePoints < 0) {
        throw new StateArgumentError('points to consume must be an integer >= 0');
      }
      const refund = opts.refundRejected === true && consumePoints > 0;
      let settled: Settled;
      try {
        settled = await settle(withDeadline(store.consume(key, consumePoints), timeoutMs));
      } catch (err) {
        opts.onRedisError?.(err);
        if (!insurance) {
          return { allowed: false, remaining: 0, retryAfterMs: FAIL_CLOSED_RETRY_AFTER_MS, resetMs: FAIL_CLOSED_RETRY_AFTER_MS, degraded: true };
        }
        const fallback = await settle(insurance.consume(key, consumePoints));
        if (!fallback.allowed && refund) await insurance.reward(key, consumePoints);
        return toResult(fallback, true);
      }
      if (!settled.allowed && refund) {
        // The decision stands even if the refund is lost; the counter expires with the window.
        await withDeadline(store.reward(key, consumePoints), timeoutMs).catch((err: unknown) => opts.onRedisError?.(err));
      }
      return toResult(settled, false);
    },
    async reset(key) {
      await withDeadline(store.delete(key), timeoutMs);
      await insurance?.delete(key);
    },
  };
}

type Settled = { allowed: true; res: RateLimiterRes } | { allowed: false; res: RateLimiterRes };

/** rate-limiter-flexible rejects with a RateLimiterRes when limited and with an Error on store failure. */
async function settle(p: Promise<RateLimiterRes>): Promise<Settled> {
  try {
    return { allowed: true, res: await p };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, res: err };
    throw err;
  }
}

function toResult({ allowed, res }: Settled, degraded: boolean): RateLimitResult {
  const resetMs = Math.max(0, res.msBeforeNext);
  return {
    allowed,
    remaining: allowed ? Math.max(0, res.remainingPoints) : 0,
    retryAfterMs: allowed ? 0 : Math.max(1, resetMs),
    resetMs,
    degraded,
  };
}
