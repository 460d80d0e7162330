import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyStore } from './idempotency.js';
import { createTestRedis, deleteByPrefix, uniquePrefix } from './testing/index.js';

let redis: Redis;
let prefix: string;

beforeAll(async () => {
  redis = await createTestRedis();
});
beforeEach(() => {
  prefix = uniquePrefix('idem');
});
afterEach(async () => {
  await deleteByPrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

describe('IdempotencyStore', () => {
  it('lets exactly one of several concurrent workers claim a key', async () => {
    const workers = Array.from({ length: 5 }, () => new IdempotencyStore({ redis, prefix, ttlSec: 600 }));
    const claims = await Promise.all(workers.map((w) => w.claim('ticket:c1:turn3')));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('shows pending while claimed and the stored result once completed', async () => {
    const a = new IdempotencyStore({ redis, prefix, ttlSec: 600 });
    const b = new IdempotencyStore({ redis, prefix, ttlSec: 600 });
    expect(await a.get('k')).toBeNull();
    expect(await a.claim('k')).toBe(true);
    expect(await b.get('k')).toEqual({ status: 'pending' });
    await a.complete('k', { ticketId: 'T-1' });
    expect(await b.claim('k')).toBe(false);
    expect(await b.get('k')).toEqual({ status: 'completed', result: { ticketId: 'T-1' } });
    const ttl = await redis.ttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(590);
  });

  it('keeps an unfinished claim only for claimTtlSec so a crashed worker does not block retries for long', async () => {
    const store = new IdempotencyStore({ redis, prefix, ttlSec: 3600, claimTtlSec: 30 });
    await store.claim('k');
    const ttl = await redis.ttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it('release frees a failed claim for a retry but never a completed record', async () => {
    const a = new IdempotencyStore({ redis, prefix, ttlSec: 600 });
    const b = new IdempotencyStore({ redis, prefix, ttlSec: 600 });
    expect(await a.claim('k')).toBe(true);
    await a.release('k');
    expect(await b.claim('k')).toBe(true);
    await b.complete('k', 42);
    await b.release('k');
    expect(await a.get('k')).toEqual({ status: 'completed', result: 42 });
  });

  it("release does not free another worker's claim", async () => {
    const a = new IdempotencyStore({ redis, prefix, ttlSec: 600 });
    const b = new IdempotencyStore({ redis, prefix, ttlSec: 600 });
    expect(await a.claim('k')).toBe(true);
    // a's claim lapses (simulated by deleting it) and b takes the key over.
    await redis.del(`${prefix}k`);
    expect(await b.claim('k')).toBe(true);
    await a.release('k');
    expect(await a.get('k')).toEqual({ status: 'pending' });
  });
});
