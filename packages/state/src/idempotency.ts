import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StateArgumentError } from './errors/state-argument-error.js';
import { StateCorruptError } from './errors/state-corrupt-error.js';
import { wholeSeconds } from './util.js';

export interface IdempotencyStoreOptions {
  redis: Redis;
  /** Key prefix, e.g. `esc:idem:`. */
  prefix: string;
  /** How long a completed result is remembered (the dedup window). */
  ttlSec: number;
  /**
   * How long an unfinished claim blocks other workers before it lapses (a worker that crashed
   * mid-way must not block retries for the whole dedup window). @default min(ttlSec, 60)
   */
  claimTtlSec?: number;
}

/** Claims never completed nor released are forgotten locally past this many (they lapse in Redis anyway). */
const MAX_OPEN_CLAIMS = 10_000;

export type IdempotencyRecord<T> = { status: 'pending' } | { status: 'completed'; result: T };

/**
 * At-least-once dedup: `claim` before doing the work (SET NX EX), `complete` with the result,
 * `release` when the work failed so a retry may claim again. A duplicate sees `claim → false` and
 * reads the first result with `get` (or, while `pending`, retries later).
 */
export class IdempotencyStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlSec: number;
  private readonly claimTtlSec: number;
  /** The exact pending record each of this instance's open claims wrote, so `release` frees only its own. */
  private readonly open = new Map<string, string>();

  constructor(opts: IdempotencyStoreOptions) {
    if (!(opts.ttlSec > 0)) throw new StateArgumentError('ttlSec must be a positive number');
    this.redis = opts.redis;
    this.prefix = opts.prefix;
    this.ttlSec = wholeSeconds(opts.ttlSec);
    this.claimTtlSec = wholeSeconds(opts.claimTtlSec ?? Math.min(this.ttlSec, 60));
  }

  /** True when this caller now owns `key`; false when it was already claimed or completed. */
  async claim(key: string): Promise<boolean> {
    const record = JSON.stringify({ status: 'pending', owner: randomUUID() });
    const ok = await this.redis.set(this.prefix + key, record, 'EX', this.claimTtlSec, 'NX');
    if (ok !== 'OK') return false;
    this.open.set(key, record);
    if (this.open.size > MAX_OPEN_CLAIMS) this.open.delete(this.open.keys().next().value as string);
    return true;
  }

  /** Store the result for duplicates to reuse; keeps it for `ttlSec`. */
  async complete(key: string, result: unknown): Promise<void> {
    const record: IdempotencyRecord<unknown> = { status: 'completed', result: result ?? null };
    await this.redis.set(this.prefix + key, JSON.stringify(record), 'EX', this.ttlSec);
    this.open.delete(key);
  }

  async get<T = unknown>(key: string): Promise<IdempotencyRecord<T> | null> {
    const raw = await this.redis.get(this.prefix + key);
    if (raw === null) return null;
    try {
      const parsed = JSON.parse(raw) as { status?: unknown; result?: T };
      if (parsed.status === 'pending') return { status: 'pending' };
      if (parsed.status === 'completed') return { status: 'completed', result: parsed.result as T };
    } catch (cause) {
      throw new StateCorruptError('Stored idempotency record is not valid JSON', { cause });
    }
    throw new StateCorruptError('Stored idempotency record has an unknown status');
  }

  /**
   * Give up this instance's unfinished claim (the work failed) so a retry can claim it at once.
   * A completed record, or a claim that lapsed and was taken by another worker, is left alone.
   */
  async release(key: string): Promise<void> {
    const record = this.open.get(key);
    if (record === undefined) return;
    this.open.delete(key);
    await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      this.prefix + key,
      record,
    );
  }
}
