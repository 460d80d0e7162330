import { AnalyticsSummary } from '@supportmesh/contracts';
import { listen, type Listening } from '@supportmesh/service-kit/testing';
import { type Redis } from '@supportmesh/state';
import { createTestRedis, deleteByPrefix, uniquePrefix } from '@supportmesh/state/testing';
import { createMetrics } from '@supportmesh/telemetry';
import { createCapturingLogger } from '@supportmesh/telemetry/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsStore } from './aggregates/analytics-store.js';
import { createApp } from './app.js';
import { makeTurnEvents } from './testing/index.js';

let redis: Redis;
let prefix: string;
let server: Listening;
let store: AnalyticsStore;

beforeAll(async () => {
  redis = await createTestRedis();
  prefix = uniquePrefix('analytics-app');
  store = new AnalyticsStore({ redis, prefix });
  const { app } = createApp({
    logger: createCapturingLogger('analytics').logger,
    metrics: createMetrics({ service: 'analytics', registry: new Registry(), collectDefaults: false }),
    store,
    probes: { redis: async () => (await redis.ping()) === 'PONG' },
    recommendations: { minSample: 5 },
    now: () => new Date('2025-02-01T00:00:00.000Z'),
  });
  server = await listen(app);
});
afterAll(async () => {
  await server.close();
  await deleteByPrefix(redis, prefix);
  await redis.quit();
});

describe('GET /v1/analytics/summary', () => {
  it('answers zeros before any event, in the contract shape', async () => {
    const res = await fetch(`${server.url}/v1/analytics/summary`);
    expect(res.status).toBe(200);
    const body = AnalyticsSummary.parse(await res.json());
    expect(body).toMatchObject({
      volume: { conversations: 0, turns: 0 },
      containmentRate: 0,
      escalationRate: 0,
      latencyMs: { p50: 0, p95: 0, p99: 0 },
      recommendations: [],
      generatedAt: '2025-02-01T00:00:00.000Z',
    });
  });

  it('summarises the aggregates with rates, percentiles, per-conversation cost and recommendations', async () => {
    const events = makeTurnEvents(400, { seed: 2, idPrefix: prefix });
    for (const e of events) await store.apply(e);

    const res = await fetch(`${server.url}/v1/analytics/summary`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = AnalyticsSummary.parse(await res.json());

    const conversations = new Set(events.map((e) => e.conversationId)).size;
    const escalated = events.filter((e) => e.escalated).length;
    expect(body.volume).toEqual({ conversations, turns: 400 });
    expect(body.escalationRate).toBeCloseTo(escalated / 400, 4);
    expect(body.containmentRate).toBeCloseTo(1 - escalated / 400, 4);
    const mix = Object.values(body.intentMix).reduce((s, v) => s + (v ?? 0), 0);
    expect(mix).toBeCloseTo(1, 2);
    expect(body.latencyMs.p50).toBeGreaterThan(0);
    expect(body.latencyMs.p50).toBeLessThanOrEqual(body.latencyMs.p95);
    expect(body.latencyMs.p95).toBeLessThanOrEqual(body.latencyMs.p99);
    const tokens = events.reduce((s, e) => s + e.usage.promptTokens + e.usage.completionTokens, 0);
    expect(body.tokensPerConversation).toBeCloseTo(tokens / conversations, 1);
    expect(body.costPerConversationUsd).toBeCloseTo(body.totalCostUsd / conversations, 5);
    // ~30 % cached, ~60 % of LLM calls on the large model, ~20 % of them classified with confidence ≥ 0.9.
    expect(body.recommendations.map((r) => r.id)).toContain('route:small-model');
    expect(Object.keys(body.cacheHitRateByIntent).length).toBeGreaterThan(0);
  });

  it('answers 503 in the error envelope when the store is unreachable', async () => {
    const { app } = createApp({
      logger: createCapturingLogger('analytics').logger,
      metrics: createMetrics({ service: 'analytics', registry: new Registry(), collectDefaults: false }),
      store: { snapshot: () => Promise.reject(new Error('connection refused')) },
    });
    const down = await listen(app);
    try {
      const res = await fetch(`${down.url}/v1/analytics/summary`, { headers: { 'x-correlation-id': 'corr-1' } });
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', correlationId: 'corr-1' });
      expect(JSON.stringify(body)).not.toContain('connection refused');
    } finally {
      await down.close();
    }
  });

  it('serves health, readiness with the Redis probe, and metrics', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ probes: { redis: true } });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('http_server_requests_total');
  });

  it('answers 404 in the envelope for unknown routes', async () => {
    const res = await fetch(`${server.url}/v1/analytics/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
