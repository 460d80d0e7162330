import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore } from './session-store.js';
import { isStateCorruptError } from './errors/state-corrupt-error.js';
import { createTestRedis, deleteByPrefix, uniquePrefix } from './testing/index.js';

let redis: Redis;
let prefix: string;
let store: SessionStore;

beforeAll(async () => {
  redis = await createTestRedis();
});
beforeEach(() => {
  prefix = uniquePrefix('session');
  store = new SessionStore({ redis, prefix, ttlSec: 100 });
});
afterEach(async () => {
  await deleteByPrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

describe('SessionStore', () => {
  it('round-trips a JSON document and answers null for an unknown session', async () => {
    await store.set('c1', { customerId: 'u1', failedTurns: 2, tags: ['vip'] });
    expect(await store.get('c1')).toEqual({ customerId: 'u1', failedTurns: 2, tags: ['vip'] });
    expect(await store.get('missing')).toBeNull();
  });

  it('is shared by replicas: a second store on another connection reads the same session', async () => {
    const other = await createTestRedis();
    try {
      await store.set('c1', { step: 1 });
      expect(await new SessionStore({ redis: other, prefix }).get('c1')).toEqual({ step: 1 });
    } finally {
      await other.quit();
    }
  });

  it('appends items in order and keeps only the newest maxItems', async () => {
    for (let turn = 1; turn <= 5; turn++) {
      expect(await store.append('c1', { turn }, 3)).toBe(Math.min(turn, 3));
    }
    expect(await store.items('c1')).toEqual([{ turn: 3 }, { turn: 4 }, { turn: 5 }]);
    expect(await store.items('c1', 2)).toEqual([{ turn: 4 }, { turn: 5 }]);
    expect(await store.items('missing')).toEqual([]);
  });

  it('sets a sliding TTL on every write for both the document and the list', async () => {
    await store.set('c1', { a: 1 });
    await store.append('c1', { turn: 1 });
    const keys = (await redis.keys(`${prefix}*`)).sort();
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(90);
      expect(ttl).toBeLessThanOrEqual(100);
    }
    // Shorten the TTL behind the store's back, then touch restores it.
    for (const key of keys) await redis.expire(key, 5);
    expect(await store.touch('c1')).toBe(true);
    for (const key of keys) expect(await redis.ttl(key)).toBeGreaterThan(90);
  });

  it('touch reports false for a session that does not exist', async () => {
    expect(await store.touch('missing')).toBe(false);
  });

  it('delete removes the document and the list', async () => {
    await store.set('c1', { a: 1 });
    await store.append('c1', { turn: 1 });
    expect(await store.delete('c1')).toBe(true);
    expect(await store.get('c1')).toBeNull();
    expect(await store.items('c1')).toEqual([]);
    expect(await store.delete('c1')).toBe(false);
  });

  it('reports a value it did not write as corrupt instead of returning garbage', async () => {
    await store.set('c1', { a: 1 });
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    await redis.set(keys[0] ?? '', 'not json');
    await expect(store.get('c1')).rejects.toSatisfy(isStateCorruptError);
  });
});
