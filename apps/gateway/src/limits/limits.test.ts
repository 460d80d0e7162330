import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '@supportmesh/contracts';
import { startLocalCosmos, type LocalCosmos } from '@supportmesh/dev';
import type { Redis } from '@supportmesh/state';
import { createDownRedis } from '@supportmesh/state/testing';
import { createMetrics } from '@supportmesh/telemetry';
import { createCapturingLogger } from '@supportmesh/telemetry/testing';
import type { Response } from 'express';
import { createGatewayMetrics } from '../metrics.js';
import { call, DELEGATE_KEY, startGateway, startStandIns, testRedis, USER_KEY, type RunningGateway, type StandIns } from '../testing/harness.js';
import { GatewayLimits } from './limits.js';

let cosmos: LocalCosmos;
let standIns: StandIns;
let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;
let instances = 0;
const running: RunningGateway[] = [];

beforeAll(async () => {
  cosmos = await startLocalCosmos(0);
  standIns = await startStandIns();
  ({ redis, prefix, cleanup } = await testRedis('limits'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((g) => g.close()));
});

afterAll(async () => {
  await standIns.close();
  await cosmos.close();
  await cleanup();
});

async function gateway(sharedPrefix: string, env: Record<string, string> = {}, r: Redis = redis): Promise<RunningGateway> {
  const g = await startGateway({ urls: standIns.urls, cosmosEndpoint: cosmos.endpoint, prefix: sharedPrefix, redis: r, env });
  running.push(g);
  return g;
}

/** A fake Express response that only collects headers (the limiter sets `x-ratelimit-*`). */
function headerSink(): Response & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return { headers, setHeader: (k: string, v: string) => void (headers[k] = v) } as unknown as Response & { headers: Record<string, string> };
}

describe('rate limits shared by replicas', () => {
  it('accepts exactly 10 of 30 requests from one user spread over two gateway instances; the rest get 429 + Retry-After', async () => {
    const shared = `${prefix}${instances++}:`;
    const a = await gateway(shared);
    const b = await gateway(shared);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(i % 2 === 0 ? a.url : b.url, 'POST', '/v1/chat', { key: USER_KEY, body: { message: 'where is my order?' } })),
    );
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(limited).toHaveLength(20);
    for (const r of limited) {
      expect(ErrorEnvelope.parse(r.body).error.code).toBe('RATE_LIMITED');
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(r.headers.get('x-ratelimit-limit')).toBe('10');
      expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    }
    expect(ok.some((r) => r.headers.get('x-ratelimit-remaining') === '9')).toBe(true);
  });

  it('limits users independently: another user is unaffected', async () => {
    const shared = `${prefix}${instances++}:`;
    const g = await gateway(shared, { GATEWAY_RATE_LIMIT_PER_MINUTE: '2' });
    const as = (user: string) => ({ key: DELEGATE_KEY, headers: { 'x-user-id': user }, body: { message: 'hi' } });
    const alice = [];
    for (let i = 0; i < 3; i++) alice.push((await call(g.url, 'POST', '/v1/chat', as('alice'))).status);
    expect(alice).toEqual([200, 200, 429]);
    expect((await call(g.url, 'POST', '/v1/chat', as('bob'))).status).toBe(200);
  });

  it('limits messages per conversation', async () => {
    const g = await gateway(`${prefix}${instances++}:`, { GATEWAY_SESSION_RATE_LIMIT_PER_MINUTE: '2' });
    const created = await call(g.url, 'POST', '/v1/conversations', { key: USER_KEY });
    const path = `/v1/conversations/${created.body.conversationId}/messages`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(g.url, 'POST', path, { key: USER_KEY, body: { text: 'hi' } })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('charges LLM tokens after each turn and refuses before calling the LLM once the budget is spent', async () => {
    const g = await gateway(`${prefix}${instances++}:`, { GATEWAY_TOKEN_BUDGET_PER_MINUTE: '50' });
    const before = standIns.responder.calls.length;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await call(g.url, 'POST', '/v1/chat', { key: USER_KEY, body: { message: 'where is my order?' } }));
    // 40 tokens per turn: the first two fit (the second overshoots to 80), the third is refused up front.
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 429]);
    expect(statuses[2]?.body.error.details).toEqual({ limit: 'tokens' });
    expect(standIns.responder.calls.length - before).toBe(2);
  });

  it('lets an admin change the per-user limit at run time for every replica', async () => {
    const shared = `${prefix}${instances++}:`;
    const a = await gateway(shared);
    const b = await gateway(shared);
    const put = await call(a.url, 'PUT', '/v1/admin/config', { key: 'sm_test_admin_key_fedcba9876543210', body: { rateLimitPerMinute: 1 } });
    expect(put.status).toBe(200);
    expect(put.body.rateLimitPerMinute).toBe(1);
    expect((await call(b.url, 'POST', '/v1/chat', { key: USER_KEY, body: { message: 'hi' } })).status).toBe(200);
    expect((await call(b.url, 'POST', '/v1/chat', { key: USER_KEY, body: { message: 'hi' } })).status).toBe(429);
  });
});

describe('rate limits while Redis is down', () => {
  it('fails open with a per-process limit, logs the outage once and raises the degraded gauge', async () => {
    const down = createDownRedis();
    const metrics = createMetrics({ service: 'gateway', collectDefaults: false });
    const gm = createGatewayMetrics(metrics.registry);
    const logs = createCapturingLogger('gateway', 'debug');
    const limits = new GatewayLimits({ redis: down, keyPrefix: `${prefix}down:`, failMode: 'open', userPerMinute: 3, sessionPerMinute: 100, tokensPerMinute: 1000, logger: logs.logger, metrics: gm });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(await limits.consumeRequest('u1', headerSink()).then(() => 'ok', (e: { code?: string }) => e.code ?? 'error'));
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(limits.degraded).toBe(true);
    expect(logs.lines().filter((l) => l.includes('rate limits degraded'))).toHaveLength(1);
    expect(await metrics.registry.getSingleMetricAsString('gateway_rate_limit_degraded')).toMatch(/gateway_rate_limit_degraded\{[^}]*\} 1/);
    down.disconnect();
  });

  it('fails closed with 429 when configured so', async () => {
    const down = createDownRedis();
    const metrics = createMetrics({ service: 'gateway', collectDefaults: false });
    const limits = new GatewayLimits({
      redis: down,
      keyPrefix: `${prefix}down2:`,
      failMode: 'closed',
      userPerMinute: 3,
      sessionPerMinute: 100,
      tokensPerMinute: 1000,
      logger: createCapturingLogger().logger,
      metrics: createGatewayMetrics(metrics.registry),
    });
    await expect(limits.consumeRequest('u1', headerSink())).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    down.disconnect();
  });

  it('answers turns with 503 (never 500) and stays ready in fail-open mode; fail-closed makes /ready 503', async () => {
    const down = createDownRedis();
    const open = await gateway(`${prefix}${instances++}:`, {}, down);
    const res = await call(open.url, 'POST', '/v1/chat', { key: USER_KEY, body: { message: 'where is my order?' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(ErrorEnvelope.parse(res.body).error.code).toBe('STORE_UNAVAILABLE');
    const ready = await call(open.url, 'GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ probes: { redis: 'down' }, rateLimit: { failMode: 'open', state: 'degraded' } });

    const closed = await gateway(`${prefix}${instances++}:`, { GATEWAY_RATE_LIMIT_FAIL_MODE: 'closed' }, down);
    const refused = await call(closed.url, 'POST', '/v1/chat', { key: USER_KEY, body: { message: 'hi' } });
    expect(refused.status).toBe(429);
    expect((await call(closed.url, 'GET', '/ready')).status).toBe(503);
    down.disconnect();
  });
});
