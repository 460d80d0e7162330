import type { Redis } from '@supportmesh/state';
import { createTestRedis, deleteByPrefix, uniquePrefix } from '@supportmesh/state/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTurnEvent } from '../testing/index.js';
import { AnalyticsStore } from './analytics-store.js';
import { bucketOf } from './latency-buckets.js';

let redis: Redis;
let prefix: string;
let store: AnalyticsStore;

beforeAll(async () => {
  redis = await createTestRedis();
});
beforeEach(async () => {
  prefix = uniquePrefix('analytics-store');
  store = new AnalyticsStore({ redis, prefix });
  return () => deleteByPrefix(redis, prefix).then(() => undefined);
});
afterAll(async () => {
  await redis.quit();
});

describe('AnalyticsStore', () => {
  it('starts empty', async () => {
    const snap = await store.snapshot();
    expect(snap).toMatchObject({ turns: 0, conversations: 0, costUsd: 0, firstAtMs: undefined, intents: {} });
    expect(snap.latencyBuckets.size).toBe(0);
  });

  it('applies a turn to every aggregate at once', async () => {
    await expect(store.apply(makeTurnEvent())).resolves.toBe(true);
    const snap = await store.snapshot();
    expect(snap).toMatchObject({
      turns: 1,
      conversations: 1,
      escalated: 0,
      contained: 1,
      cached: 0,
      promptTokens: 300,
      completionTokens: 80,
      costUsd: 0.0015,
      largeCalls: 1,
      smallCalls: 0,
      routableLargeCalls: 1,
      routableLargeCostUsd: 0.0015,
      latencyMaxMs: 420,
      firstAtMs: Date.parse('2025-01-01T12:00:00.000Z'),
      lastAtMs: Date.parse('2025-01-01T12:00:00.000Z'),
    });
    expect(snap.intents.track_order).toEqual({
      turns: 1,
      escalated: 0,
      cached: 0,
      costUsd: 0.0015,
      uncachedCostUsd: 0.0015,
      largeCalls: 1,
      routableLargeCalls: 1,
      routableLargeCostUsd: 0.0015,
    });
    expect([...snap.latencyBuckets]).toEqual([[bucketOf(420), 1]]);
  });

  it('counts a redelivered event once (same eventId)', async () => {
    const event = makeTurnEvent({ eventId: 'evt-dup' });
    await expect(store.apply(event)).resolves.toBe(true);
    await expect(store.apply(event)).resolves.toBe(false);
    await expect(store.apply({ ...event, costUsd: 9 })).resolves.toBe(false);
    const snap = await store.snapshot();
    expect(snap.turns).toBe(1);
    expect(snap.costUsd).toBe(0.0015);
  });

  it('counts distinct conversations, escalations, cache hits and small-model calls', async () => {
    await store.apply(makeTurnEvent({ eventId: 'a', conversationId: 'c1', escalated: true, containment: false, intent: 'complaint' }));
    await store.apply(makeTurnEvent({ eventId: 'b', conversationId: 'c1', cached: true, costUsd: 0, at: '2025-01-01T10:00:00.000Z' }));
    await store.apply(makeTurnEvent({ eventId: 'c', conversationId: 'c2', model: 'gpt-4o-mini', confidence: 0.99, at: '2025-01-01T14:00:00.000Z' }));
    await store.apply(makeTurnEvent({ eventId: 'd', conversationId: 'c3', confidence: 0.5, latencyMs: { total: 9000, perHop: {} } }));
    const snap = await store.snapshot();
    expect(snap).toMatchObject({
      turns: 4,
      conversations: 3,
      escalated: 1,
      contained: 3,
      cached: 1,
      largeCalls: 2,
      smallCalls: 1,
      routableLargeCalls: 1, // 'a' (0.93); 'd' is large but unsure; 'c' is small; 'b' was cached
      latencyMaxMs: 9000,
      firstAtMs: Date.parse('2025-01-01T10:00:00.000Z'),
      lastAtMs: Date.parse('2025-01-01T14:00:00.000Z'),
    });
    expect(snap.intents.complaint).toMatchObject({ turns: 1, escalated: 1 });
    expect(snap.intents.track_order).toMatchObject({ turns: 3, cached: 1, largeCalls: 1 });
  });

  it('keeps costs exact in nano-dollars over many small amounts', async () => {
    for (let i = 0; i < 100; i++) await store.apply(makeTurnEvent({ eventId: `e${i}`, costUsd: 0.000001 * 3 }));
    expect((await store.snapshot()).costUsd).toBe(0.0003);
  });

  it('remembers applied event ids only for the dedup TTL', async () => {
    const short = new AnalyticsStore({ redis, prefix, dedupTtlSec: 60 });
    await short.apply(makeTurnEvent({ eventId: 'ttl' }));
    const ttl = await redis.ttl(`${prefix}processed:ttl`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});
