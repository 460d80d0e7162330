import type { Redis } from 'ioredis';
import { StateArgumentError } from './errors/state-argument-error.js';
import { wholeSeconds } from './util.js';

/** A string cache with per-entry TTL (response cache, embedding cache, …). */
export interface CacheStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSec: number): Promise<void>;
}

export interface RedisCacheOptions {
  redis: Redis;
  /** Key prefix, e.g. `llm:cache:`. */
  prefix: string;
}

/** CacheStore shared by all replicas; TTLs are rounded up to whole seconds. */
export class RedisCache implements CacheStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(opts: RedisCacheOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix;
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlSec: number): Promise<void> {
    assertTtl(ttlSec);
    await this.redis.set(this.prefix + key, value, 'EX', wholeSeconds(ttlSec));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}

export interface MemoryCacheOptions {
  /** Least recently used entries are evicted beyond this many. */
  maxEntries: number;
  /** Milliseconds clock; inject for tests. @default Date.now */
  clock?: () => number;
}

/** Per-process CacheStore: LRU with per-entry TTL. For tests and single-replica fallbacks. */
export class MemoryCache implements CacheStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(opts: MemoryCacheOptions) {
    if (!Number.isInteger(opts.maxEntries) || opts.maxEntries < 1) {
      throw new StateArgumentError('maxEntries must be an integer >= 1');
    }
    this.maxEntries = opts.maxEntries;
    this.clock = opts.clock ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<string | null> {
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.entries.delete(key);
    if (entry.expiresAt <= this.clock()) return null;
    this.entries.set(key, entry); // most recently used goes last
    return entry.value;
  }

  async set(key: string, value: string, ttlSec: number): Promise<void> {
    assertTtl(ttlSec);
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock() + ttlSec * 1000 });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}

function assertTtl(ttlSec: number): void {
  if (!(ttlSec > 0) || !Number.isFinite(ttlSec)) throw new StateArgumentError('ttlSec must be a positive number');
}
