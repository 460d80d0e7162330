import type { ConversationTurnEvent } from '@supportmesh/contracts';
import { StreamProducer, type Redis, type StreamConsumer } from '@supportmesh/state';
import { createTestRedis, deleteByPrefix, uniquePrefix } from '@supportmesh/state/testing';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnalyticsStore, type AggregateSnapshot } from '../aggregates/analytics-store.js';
import { bucketOf } from '../aggregates/latency-buckets.js';
import { createAnalyticsMetrics, type AnalyticsMetrics } from '../metrics.js';
import { makeTurnEvent, makeTurnEvents } from '../testing/index.js';
import { createTurnConsumer, type TurnConsumerOptions } from './turn-consumer.js';

const GROUP = 'analytics';

let redis: Redis;
let prefix: string;
let stream: string;
let store: AnalyticsStore;
let metrics: AnalyticsMetrics;
let consumers: StreamConsumer[];

beforeAll(async () => {
  redis = await createTestRedis();
});
beforeEach(() => {
  prefix = uniquePrefix('analytics-consumer');
  stream = `${prefix}conversation.turn`;
  store = new AnalyticsStore({ redis, prefix: `${prefix}agg:` });
  metrics = createAnalyticsMetrics(new Registry());
  consumers = [];
});
afterEach(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await deleteByPrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

function consumer(name: string, overrides: Partial<TurnConsumerOptions> = {}): StreamConsumer {
  const c = createTurnConsumer({
    redis,
    store,
    stream,
    group: GROUP,
    consumer: name,
    metrics,
    batchSize: 50,
    blockMs: 50,
    minIdleMs: 200,
    claimIntervalMs: 50,
    maxDeliveries: 3,
    drainTimeoutMs: 2_000,
    ...overrides,
  });
  consumers.push(c);
  return c;
}

async function publishAll(events: readonly unknown[]): Promise<void> {
  const producer = new StreamProducer({ redis, stream });
  for (const e of events) await producer.publish(e);
}

/** Polls (bounded) until the condition holds. */
async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** Lag first: once nothing is left to deliver, no pending entry means every entry was handled. */
async function drained(c: StreamConsumer): Promise<boolean> {
  return (await c.lag()) === 0 && (await c.pending()) === 0;
}

/** The aggregates the events must produce, computed independently in JS. */
function expected(events: readonly ConversationTurnEvent[]): Partial<AggregateSnapshot> {
  const nano = (x: number): number => Math.round(x * 1e9);
  const large = events.filter((e) => !e.cached && e.model === 'gpt-4o');
  const times = events.map((e) => Date.parse(e.at));
  return {
    turns: events.length,
    conversations: new Set(events.map((e) => e.conversationId)).size,
    escalated: events.filter((e) => e.escalated).length,
    contained: events.filter((e) => e.containment).length,
    cached: events.filter((e) => e.cached).length,
    promptTokens: events.reduce((s, e) => s + e.usage.promptTokens, 0),
    completionTokens: events.reduce((s, e) => s + e.usage.completionTokens, 0),
    costUsd: events.reduce((s, e) => s + nano(e.costUsd), 0) / 1e9,
    largeCalls: large.length,
    smallCalls: events.filter((e) => !e.cached && e.model === 'gpt-4o-mini').length,
    routableLargeCalls: large.filter((e) => e.confidence >= 0.9).length,
    latencyMaxMs: Math.max(...events.map((e) => e.latencyMs.total)),
    firstAtMs: Math.min(...times),
    lastAtMs: Math.max(...times),
  };
}

function expectedIntentTurns(events: readonly ConversationTurnEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[e.intent] = (out[e.intent] ?? 0) + 1;
  return out;
}

function expectedBuckets(events: readonly ConversationTurnEvent[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of events) out.set(bucketOf(e.latencyMs.total), (out.get(bucketOf(e.latencyMs.total)) ?? 0) + 1);
  return out;
}

async function counter(name: 'processed' | 'deadLettered', label: Record<string, string>): Promise<number> {
  const data = await metrics[name].get();
  return data.values.find((v) => Object.entries(label).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val))?.value ?? 0;
}

describe('conversation.turn consumer', () => {
  it('aggregates 1,000 events shared by two consumers exactly, each counted once', async () => {
    const events = makeTurnEvents(1000, { seed: 7, idPrefix: prefix });
    await publishAll(events);
    const a = consumer('a');
    const b = consumer('b');
    await Promise.all([a.start(), b.start()]);

    await until(async () => (await store.snapshot()).turns === 1000 && (await drained(a)));

    const snap = await store.snapshot();
    expect(snap).toMatchObject(expected(events));
    expect(Object.fromEntries(Object.entries(snap.intents).map(([k, v]) => [k, v.turns]))).toEqual(expectedIntentTurns(events));
    expect(snap.latencyBuckets).toEqual(expectedBuckets(events));
    // Both replicas did part of the work.
    expect(a.stats().processed).toBeGreaterThan(0);
    expect(b.stats().processed).toBeGreaterThan(0);
    // At least once: an entry idle past minIdleMs may be claimed by the other replica, but applied once.
    expect(a.stats().processed + b.stats().processed).toBeGreaterThanOrEqual(1000);
    expect(await counter('processed', { result: 'applied' })).toBe(1000);
  });

  it('claims the batch of a consumer that died before acking; totals stay exact and pending drains to 0', async () => {
    const events = makeTurnEvents(300, { seed: 11, idPrefix: prefix });
    await publishAll(events);
    // The "dead" replica reads a batch, aggregates half of it, then dies without XACK.
    await redis.call('XGROUP', 'CREATE', stream, GROUP, '0', 'MKSTREAM');
    const batch = (await redis.xreadgroup('GROUP', GROUP, 'dead', 'COUNT', 120, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    const entries = batch[0]?.[1] ?? [];
    expect(entries).toHaveLength(120);
    for (const [, fields] of entries.slice(0, 60)) await store.apply(JSON.parse(fields[1] ?? '') as ConversationTurnEvent);
    const pendingBefore = await redis.xpending(stream, GROUP);
    expect(pendingBefore[0]).toBe(120);

    const survivor = consumer('survivor');
    await survivor.start();
    await until(async () => drained(survivor));

    expect(await store.snapshot()).toMatchObject(expected(events));
    expect(survivor.stats().claimed).toBeGreaterThanOrEqual(120);
    expect(await counter('processed', { result: 'applied' })).toBe(240);
    expect(await counter('processed', { result: 'duplicate' })).toBe(60);
    expect(await survivor.pending()).toBe(0);
  });

  it('moves an event that fails the contract to the dead-letter stream at once; the others are counted', async () => {
    const events = makeTurnEvents(40, { seed: 3, idPrefix: prefix });
    await publishAll(events.slice(0, 20));
    await publishAll([{ ...makeTurnEvent({ eventId: `${prefix}bad` }), intent: 'not_an_intent' }]);
    await redis.xadd(stream, '*', 'data', '{not json');
    await publishAll(events.slice(20));
    const c = consumer('c');
    await c.start();

    await until(async () => (await drained(c)) && (await redis.xlen(`${stream}:dead-letter`)) === 2);

    expect(await store.snapshot()).toMatchObject(expected(events));
    const dead = await redis.xrange(`${stream}:dead-letter`, '-', '+');
    const codes = dead.map(([, fields]) => fields[fields.indexOf('errorCode') + 1]);
    expect(codes.sort()).toEqual(['INVALID_PAYLOAD', 'VALIDATION_FAILED']);
    const invalid = dead.find(([, f]) => f.includes('VALIDATION_FAILED'))?.[1] ?? [];
    expect(invalid[invalid.indexOf('deliveries') + 1]).toBe('1');
    expect(JSON.parse(invalid[invalid.indexOf('data') + 1] ?? '')).toMatchObject({ intent: 'not_an_intent' });
    expect(await counter('deadLettered', { reason: 'validation' })).toBe(1);
  });

  it('dead-letters an event whose aggregation keeps failing after maxDeliveries (store wrapper throws for it)', async () => {
    const events = makeTurnEvents(10, { seed: 5, idPrefix: prefix });
    const poison = events[4] as ConversationTurnEvent;
    const failing = {
      apply: (e: ConversationTurnEvent) =>
        e.eventId === poison.eventId ? Promise.reject(Object.assign(new Error('boom'), { code: 'AGG_FAILED' })) : store.apply(e),
    };
    await publishAll(events);
    const c = consumer('c', { store: failing, maxDeliveries: 3, minIdleMs: 100 });
    await c.start();

    await until(async () => (await drained(c)) && (await redis.xlen(`${stream}:dead-letter`)) === 1);

    const [[, fields] = ['', []]] = await redis.xrange(`${stream}:dead-letter`, '-', '+');
    expect(fields[fields.indexOf('errorCode') + 1]).toBe('AGG_FAILED');
    expect(fields[fields.indexOf('deliveries') + 1]).toBe('3');
    expect(await store.snapshot()).toMatchObject(expected(events.filter((e) => e !== poison)));
    expect(c.stats()).toMatchObject({ deadLettered: 1, failed: 3 });
  });

  it('does not double count an event published twice (same eventId, two stream entries)', async () => {
    const event = makeTurnEvent({ eventId: `${prefix}twice` });
    await publishAll([event, event, makeTurnEvent({ eventId: `${prefix}other`, conversationId: 'conv-2' })]);
    const c = consumer('c');
    await c.start();

    await until(async () => drained(c));

    expect(await store.snapshot()).toMatchObject({ turns: 2, conversations: 2, costUsd: 0.003 });
    expect(await counter('processed', { result: 'duplicate' })).toBe(1);
  });
});
