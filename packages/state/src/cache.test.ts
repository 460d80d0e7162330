import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCache, RedisCache } from './cache.js';
import { isStateArgumentError } from './errors/state-argument-error.js';
import { createTestRedis, deleteByPrefix, uniquePrefix } from './testing/index.js';

describe('RedisCache', () => {
  let redis: Redis;
  const prefix = uniquePrefix('cache');
  beforeAll(async () => {
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await redis.quit();
  });

  it('stores a value under its prefix with the TTL rounded up to whole seconds', async () => {
    const cache = new RedisCache({ redis, prefix });
    await cache.set('k1', 'v1', 9.2);
    expect(await cache.get('k1')).toBe('v1');
    expect(await redis.get(`${prefix}k1`)).toBe('v1');
    const ttl = await redis.ttl(`${prefix}k1`);
    expect(ttl).toBeGreaterThan(8);
    expect(ttl).toBeLessThanOrEqual(10);
  });

  it('misses for unknown and deleted keys', async () => {
    const cache = new RedisCache({ redis, prefix });
    expect(await cache.get('nope')).toBeNull();
    await cache.set('k2', 'v', 60);
    await cache.delete('k2');
    expect(await cache.get('k2')).toBeNull();
  });

  it('refuses a non-positive TTL', async () => {
    await expect(new RedisCache({ redis, prefix }).set('k', 'v', 0)).rejects.toSatisfy(isStateArgumentError);
  });
});

describe('MemoryCache', () => {
  it('expires entries after their TTL on the injected clock', async () => {
    let now = 1_000;
    const cache = new MemoryCache({ maxEntries: 10, clock: () => now });
    await cache.set('k', 'v', 5);
    now += 4_999;
    expect(await cache.get('k')).toBe('v');
    now += 1;
    expect(await cache.get('k')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = new MemoryCache({ maxEntries: 2, clock: () => 0 });
    await cache.set('a', '1', 60);
    await cache.set('b', '2', 60);
    expect(await cache.get('a')).toBe('1'); // a is now more recent than b
    await cache.set('c', '3', 60);
    expect(await cache.get('b')).toBeNull();
    expect(await cache.get('a')).toBe('1');
    expect(await cache.get('c')).toBe('3');
    expect(cache.size).toBe(2);
  });

  it('overwrites a key in place without growing', async () => {
    const cache = new MemoryCache({ maxEntries: 2, clock: () => 0 });
    await cache.set('a', '1', 60);
    await cache.set('a', '2', 60);
    expect(await cache.get('a')).toBe('2');
    expect(cache.size).toBe(1);
  });
});
