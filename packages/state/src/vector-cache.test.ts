import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryVectorCache, packVector, RedisVectorCache, unpackVector, type VectorCacheStore } from './vector-cache.js';
import { isStateArgumentError } from './errors/state-argument-error.js';
import { createTestRedis, deleteByPrefix, uniquePrefix } from './testing/index.js';

let redis: Redis;
const prefix = uniquePrefix('vec');
beforeAll(async () => {
  redis = await createTestRedis();
});
afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  await redis.quit();
});

interface Subject {
  store: VectorCacheStore;
  now: { ms: number };
}

const implementations: [string, (maxEntries?: number) => Subject][] = [
  [
    'RedisVectorCache',
    (maxEntries) => {
      const now = { ms: Date.now() };
      return { now, store: new RedisVectorCache({ redis, prefix, maxEntries, clock: () => now.ms }) };
    },
  ],
  [
    'MemoryVectorCache',
    (maxEntries) => {
      const now = { ms: 0 };
      return { now, store: new MemoryVectorCache({ maxEntries, clock: () => now.ms }) };
    },
  ],
];

let nsCounter = 0;
const ns = () => `ns${nsCounter++}`;

describe.each(implementations)('%s', (_name, make) => {
  it('returns the most similar entry with its cosine score', async () => {
    const { store } = make();
    const n = ns();
    await store.add(n, 'refund', [1, 0, 0], 'reply about refunds', 60);
    await store.add(n, 'shipping', [0, 1, 0], 'reply about shipping', 60);
    await store.add(n, 'mixed', [0.7, 0.7, 0], 'reply about both', 60);
    const hit = await store.nearest(n, [0.9, 0.1, 0], 0.8);
    expect(hit?.id).toBe('refund');
    expect(hit?.value).toBe('reply about refunds');
    expect(hit?.score).toBeCloseTo(0.9 / Math.sqrt(0.82), 5);
  });

  it('answers null when nothing reaches minScore', async () => {
    const { store } = make();
    const n = ns();
    await store.add(n, 'a', [1, 0], 'A', 60);
    expect(await store.nearest(n, [0, 1], 0.5)).toBeNull();
    expect(await store.nearest(ns(), [1, 0], 0.5)).toBeNull();
  });

  it('keeps namespaces apart and ignores vectors of another dimension', async () => {
    const { store } = make();
    const [n1, n2] = [ns(), ns()];
    await store.add(n1, 'a', [1, 0], 'A', 60);
    await store.add(n2, 'b', [1, 0, 0], 'B', 60);
    expect((await store.nearest(n1, [1, 0], 0.9))?.value).toBe('A');
    expect(await store.nearest(n2, [1, 0], 0.0)).toBeNull();
  });

  it('overwrites an entry added again under the same id', async () => {
    const { store } = make();
    const n = ns();
    await store.add(n, 'a', [1, 0], 'old', 60);
    await store.add(n, 'a', [1, 0], 'new', 60);
    expect((await store.nearest(n, [1, 0], 0.9))?.value).toBe('new');
  });

  it('stops returning an entry after its TTL', async () => {
    const { store, now } = make();
    const n = ns();
    await store.add(n, 'a', [1, 0], 'A', 10);
    now.ms += 9_000;
    expect((await store.nearest(n, [1, 0], 0.9))?.id).toBe('a');
    now.ms += 1_000;
    expect(await store.nearest(n, [1, 0], 0.9)).toBeNull();
  });

  it('holds at most maxEntries per namespace, evicting the entries that expire first', async () => {
    const { store } = make(3);
    const n = ns();
    for (let i = 0; i < 5; i++) await store.add(n, `e${i}`, [1, i + 1], `v${i}`, 100 + i);
    const found = [];
    for (let i = 0; i < 5; i++) {
      const hit = await store.nearest(n, [1, i + 1], 0.99999);
      if (hit?.id === `e${i}`) found.push(hit.id);
    }
    expect(found).toEqual(['e2', 'e3', 'e4']);
  });

  it('refuses empty or non-finite vectors', async () => {
    const { store } = make();
    await expect(store.add(ns(), 'a', [], 'A', 60)).rejects.toSatisfy(isStateArgumentError);
    await expect(store.add(ns(), 'a', [1, Number.NaN], 'A', 60)).rejects.toSatisfy(isStateArgumentError);
  });
});

describe('RedisVectorCache storage', () => {
  it('stores each vector as packed little-endian Float32 bytes in a hash per namespace', async () => {
    const store = new RedisVectorCache({ redis, prefix });
    await store.add('layout', 'a', [0.5, -2, 3.25], 'A', 60);
    const raw = (await redis.hgetBuffer(`${prefix}{layout}:vec`, 'a')) ?? Buffer.alloc(0);
    expect(raw.length).toBe(12);
    expect(Array.from(unpackVector(raw))).toEqual([0.5, -2, 3.25]);
    expect(packVector([0.5, -2, 3.25]).equals(raw)).toBe(true);
    expect(await redis.ttl(`${prefix}{layout}:vec`)).toBeGreaterThan(0);
    await store.clear('layout');
    expect(await redis.exists(`${prefix}{layout}:vec`, `${prefix}{layout}:val`, `${prefix}{layout}:exp`)).toBe(0);
  });

  it('finds the nearest among more entries than one HSCAN page', async () => {
    const store = new RedisVectorCache({ redis, prefix, maxEntries: 1000 });
    const n = 'many';
    const pipeline: Promise<void>[] = [];
    for (let i = 0; i < 600; i++) {
      const angle = (i / 600) * Math.PI;
      pipeline.push(store.add(n, `e${i}`, [Math.cos(angle), Math.sin(angle)], `v${i}`, 60));
    }
    await Promise.all(pipeline);
    const target = (437 / 600) * Math.PI;
    const hit = await store.nearest(n, [Math.cos(target), Math.sin(target)], 0.9);
    expect(hit?.id).toBe('e437');
    await store.clear(n);
  });
});
