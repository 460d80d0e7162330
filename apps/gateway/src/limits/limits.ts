import type { Response } from 'express';
import { RateLimitedError } from '@supportmesh/service-kit';
import { createRateLimiter, type RateLimiter, type RateLimitFailMode, type RateLimitResult, type Redis } from '@supportmesh/state';
import type { Logger } from '@supportmesh/telemetry';
import type { GatewayMetrics } from '../metrics.js';

/** Every window is a fixed 60 s window per key, started by the key's first request. */
export const WINDOW_SEC = 60;

export interface GatewayLimitsOptions {
  readonly redis: Redis;
  /** e.g. `gw:rl:` */
  readonly keyPrefix: string;
  readonly failMode: RateLimitFailMode;
  /** Requests per user per window (the admin config may override it at run time). */
  readonly userPerMinute: number;
  readonly sessionPerMinute: number;
  readonly tokensPerMinute: number;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
}

export type LimitName = 'user' | 'session' | 'tokens';

/**
 * The gateway's three limits, in Redis so every replica shares them (fixed 60 s windows):
 * requests per user, requests per conversation, LLM tokens per user. While Redis is unreachable the
 * fail mode decides (open: each process enforces the same limits on its own; closed: 429), the outage is
 * logged once and `gateway_rate_limit_degraded` is 1.
 */
export class GatewayLimits {
  readonly #opts: GatewayLimitsOptions;
  readonly #userLimiters = new Map<number, RateLimiter>();
  readonly #session: RateLimiter;
  readonly #tokens: RateLimiter;
  #degraded = false;

  constructor(opts: GatewayLimitsOptions) {
    this.#opts = opts;
    this.#session = this.#limiter('session', opts.sessionPerMinute, false);
    this.#tokens = this.#limiter('tokens', opts.tokensPerMinute, false);
  }

  /** True while Redis cannot be used (since the last failed decision, until one succeeds). */
  get degraded(): boolean {
    return this.#degraded;
  }

  get failMode(): RateLimitFailMode {
    return this.#opts.failMode;
  }

  /** One request for `user`; throws 429 `RATE_LIMITED` (Retry-After) when over `perMinute`. Sets `x-ratelimit-*`. */
  async consumeRequest(user: string, res: Response, perMinute = this.#opts.userPerMinute): Promise<void> {
    const result = await this.#decide(this.#userLimiter(perMinute), user, 1);
    res.setHeader('x-ratelimit-limit', String(perMinute));
    res.setHeader('x-ratelimit-remaining', String(result.remaining));
    res.setHeader('x-ratelimit-reset', String(Math.ceil(result.resetMs / 1000)));
    if (!result.allowed) this.#refuse('user', result, 'Too many requests for this user; retry later');
  }

  /** One message in `conversationId`; 429 when over the per-conversation limit. */
  async consumeSession(conversationId: string): Promise<void> {
    const result = await this.#decide(this.#session, conversationId, 1);
    if (!result.allowed) this.#refuse('session', result, 'Too many messages in this conversation; retry later');
  }

  /** Rejects with 429 before any LLM call when the user's token budget for the window is already spent. */
  async checkTokens(user: string, res: Response): Promise<void> {
    const result = await this.#decide(this.#tokens, user, 0);
    res.setHeader('x-ratelimit-tokens-limit', String(this.#opts.tokensPerMinute));
    res.setHeader('x-ratelimit-tokens-remaining', String(result.remaining));
    if (!result.allowed || result.remaining <= 0) this.#refuse('tokens', { ...result, retryAfterMs: Math.max(result.retryAfterMs, result.resetMs) }, 'Token budget for this minute is spent; retry later');
  }

  /** Records tokens a turn used (after the LLM call; may overshoot the budget, which then blocks the next call). */
  async consumeTokens(user: string, tokens: number): Promise<void> {
    if (!(tokens > 0)) return;
    await this.#decide(this.#tokens, user, Math.ceil(tokens));
  }

  #refuse(limit: LimitName, result: RateLimitResult, message: string): never {
    this.#opts.metrics.rateLimited.inc({ limit });
    throw new RateLimitedError(Math.max(1, result.retryAfterMs) / 1000, message, { limit });
  }

  async #decide(limiter: RateLimiter, key: string, points: number): Promise<RateLimitResult> {
    const result = await limiter.consume(key, points);
    if (result.degraded) this.#markDegraded();
    else this.#markRecovered();
    return result;
  }

  #userLimiter(points: number): RateLimiter {
    let limiter = this.#userLimiters.get(points);
    if (!limiter) {
      if (this.#userLimiters.size >= 16) this.#userLimiters.clear();
      // Same key prefix for every limit value: the counters are shared, only the threshold differs.
      limiter = this.#limiter('user', points, false);
      this.#userLimiters.set(points, limiter);
    }
    return limiter;
  }

  #limiter(name: LimitName, points: number, refundRejected: boolean): RateLimiter {
    return createRateLimiter({
      redis: this.#opts.redis,
      keyPrefix: `${this.#opts.keyPrefix}${name}`,
      points,
      durationSec: WINDOW_SEC,
      failMode: this.#opts.failMode,
      refundRejected,
      timeoutMs: 300,
      onRedisError: () => this.#markDegraded(),
    });
  }

  #markDegraded(): void {
    if (this.#degraded) return;
    this.#degraded = true;
    this.#opts.metrics.rateLimitDegraded.set(1);
    this.#opts.logger.warn(
      { failMode: this.#opts.failMode },
      this.#opts.failMode === 'open'
        ? 'rate limits degraded: Redis unreachable, each process now enforces the limits on its own (fail-open)'
        : 'rate limits degraded: Redis unreachable, requests are refused (fail-closed)',
    );
  }

  #markRecovered(): void {
    if (!this.#degraded) return;
    this.#degraded = false;
    this.#opts.metrics.rateLimitDegraded.set(0);
    this.#opts.logger.info({}, 'rate limits restored: Redis reachable again');
  }
}
