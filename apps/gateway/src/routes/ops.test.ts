import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminConfig, DEFAULT_ADMIN_CONFIG, PoolStats, RegistryResponse } from '@supportmesh/contracts';
import { startLocalCosmos, type LocalCosmos } from '@supportmesh/dev';
import type { Redis } from '@supportmesh/state';
import { createDownRedis } from '@supportmesh/state/testing';
import { Router } from 'express';
import { combinePoolStats } from '../registry/pool-stats.js';
import { ADMIN_KEY, call, deadUrl, startGateway, startStandIns, testRedis, USER_KEY, type RunningGateway, type StandIns } from '../testing/harness.js';

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
  ({ redis, prefix, cleanup } = await testRedis('ops'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((g) => g.close()));
});

afterAll(async () => {
  await standIns.close();
  await cosmos.close();
  await cleanup();
});

async function gateway(opts: { shared?: string; env?: Record<string, string>; facade?: Parameters<typeof startGateway>[0]['facade'] } = {}): Promise<RunningGateway> {
  const dead = await deadUrl();
  const g = await startGateway({
    urls: standIns.urls,
    cosmosEndpoint: cosmos.endpoint,
    prefix: opts.shared ?? `${prefix}${instances++}:`,
    redis,
    env: { ANALYTICS_URL: dead, SPEECH_CONNECTOR_URL: dead, ...opts.env },
    facade: opts.facade,
  });
  running.push(g);
  return g;
}

const pool = (over: Partial<PoolStats> = {}): PoolStats => ({
  pool_enabled: true,
  pool_size: 10,
  active_connections: 2,
  available_connections: 8,
  total_requests: 100,
  total_errors: 1,
  circuit_breaker_state: 'CLOSED',
  avg_wait_time_ms: 4,
  timestamp: '2025-01-01T00:00:00.000Z',
  ...over,
});

describe('admin config', () => {
  it('validates updates, merges flags, and every replica sees the stored config', async () => {
    const shared = `${prefix}${instances++}:`;
    const a = await gateway({ shared });
    const b = await gateway({ shared });
    expect((await call(a.url, 'GET', '/v1/admin/config', { key: ADMIN_KEY })).body).toEqual(DEFAULT_ADMIN_CONFIG);

    for (const body of [{ escalationConfidenceThreshold: 2 }, { flags: { unknown: true } }, { rateLimitPerMinute: 'ten' }, { bogus: 1 }]) {
      const bad = await call(a.url, 'PUT', '/v1/admin/config', { key: ADMIN_KEY, body });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
    const put = await call(a.url, 'PUT', '/v1/admin/config', { key: ADMIN_KEY, body: { escalationConfidenceThreshold: 0.6, flags: { outputReview: false } } });
    expect(put.status).toBe(200);
    const seen = AdminConfig.parse((await call(b.url, 'GET', '/v1/admin/config', { key: ADMIN_KEY })).body);
    expect(seen).toEqual({ ...DEFAULT_ADMIN_CONFIG, escalationConfidenceThreshold: 0.6, flags: { ...DEFAULT_ADMIN_CONFIG.flags, outputReview: false } });
  });

  it('answers 503 (not 500) to an update while Redis is down', async () => {
    const down = createDownRedis();
    const g = await startGateway({ urls: standIns.urls, cosmosEndpoint: cosmos.endpoint, prefix: `${prefix}${instances++}:`, redis: down });
    running.push(g);
    expect((await call(g.url, 'GET', '/v1/admin/config', { key: ADMIN_KEY })).status).toBe(200);
    const res = await call(g.url, 'PUT', '/v1/admin/config', { key: ADMIN_KEY, body: { semanticCacheThreshold: 0.9 } });
    expect(res.status).toBe(503);
    down.disconnect();
  });
});

describe('registry', () => {
  it('lists services with version and readiness, and providers; cached between calls', async () => {
    const g = await gateway();
    const first = await call(g.url, 'GET', '/v1/registry', { key: USER_KEY });
    expect(first.status).toBe(200);
    const reg = RegistryResponse.parse(first.body);
    const byName = Object.fromEntries(reg.services.map((s) => [s.name, s]));
    expect(byName['gateway']).toMatchObject({ version: '1.2.3', status: 'up' });
    expect(byName['critic']).toMatchObject({ version: '9.9.9', status: 'up' });
    expect(byName['analytics']?.status).toBe('down');
    expect(reg.providers.find((p) => p.name === 'redis')?.status).toBe('up');
    expect(reg.providers.find((p) => p.name === 'cosmos')?.status).toBe('up');
    const second = await call(g.url, 'GET', '/v1/registry', { key: USER_KEY });
    expect(second.body.generatedAt).toBe(reg.generatedAt);
  });
});

describe('pool stats', () => {
  it('sums the agents’ pools into exactly the seed’s PoolStats shape, worst breaker state wins', async () => {
    standIns.responder.on('/v1/pool/stats', (_req, res) => void res.json({ aggregate: pool({ circuit_breaker_state: 'HALF_OPEN' }), deployments: { 'gpt-4o': pool() } }));
    standIns.classifier.on('/v1/pool/stats', (_req, res) =>
      void res.json({ aggregate: pool({ pool_size: 5, total_requests: 300, avg_wait_time_ms: 8 }), deployments: { 'gpt-4o-mini': pool() } }),
    );
    const facadeStats = { aggregate: pool({ circuit_breaker_state: 'OPEN', total_requests: 0, avg_wait_time_ms: 0 }), deployments: {} };
    const g = await gateway({ facade: { router: Router(), stats: () => facadeStats } });
    const res = await call(g.url, 'GET', '/api/v1/pool/stats', { key: USER_KEY });
    expect(res.status).toBe(200);
    const stats = PoolStats.parse(res.body);
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(pool()).sort());
    expect(stats).toMatchObject({ pool_enabled: true, pool_size: 25, active_connections: 6, total_requests: 400, total_errors: 3, circuit_breaker_state: 'OPEN' });
    expect(stats.avg_wait_time_ms).toBe(7); // (100×4 + 300×8) / 400
    expect(res.headers.get('x-supportmesh-partial')).toBeNull();
  });

  it('skips unreachable agents and names them in x-supportmesh-partial', async () => {
    standIns.classifier.on('/v1/pool/stats', (_req, res) => void res.json({ aggregate: pool(), deployments: {} }));
    const g = await gateway({ env: { RESPONSE_GENERATOR_URL: await deadUrl() } });
    const res = await call(g.url, 'GET', '/api/v1/pool/stats', { key: USER_KEY });
    expect(res.status).toBe(200);
    expect(PoolStats.parse(res.body).pool_size).toBe(10);
    expect(res.headers.get('x-supportmesh-partial')).toBe('response-generator');
  });

  it('combines nothing into an empty, closed pool', () => {
    expect(combinePoolStats([], new Date('2025-01-01T00:00:00Z'))).toEqual({ ...pool(), pool_enabled: false, pool_size: 0, active_connections: 0, available_connections: 0, total_requests: 0, total_errors: 0, avg_wait_time_ms: 0 });
  });
});

describe('OpenAI-compatible facade mount', () => {
  it('mounts the facade router at /openai/v1 behind authentication and the per-user limit', async () => {
    const router = Router();
    router.get('/models', (_req, res) => void res.json({ object: 'list', data: [] }));
    const g = await gateway({ facade: { router }, env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '1' } });
    expect((await call(g.url, 'GET', '/openai/v1/models')).status).toBe(401);
    expect((await call(g.url, 'GET', '/openai/v1/models', { bearer: USER_KEY })).body).toEqual({ object: 'list', data: [] });
    expect((await call(g.url, 'GET', '/openai/v1/models', { bearer: USER_KEY })).status).toBe(429);
  });
});

describe('metrics', () => {
  it('exposes hop durations, degraded hops, turn outcomes, breaker states and rate-limit health', async () => {
    const g = await startGateway({ urls: { ...standIns.urls, responder: await deadUrl() }, cosmosEndpoint: cosmos.endpoint, prefix: `${prefix}${instances++}:`, redis });
    running.push(g);
    const res = await call(g.url, 'POST', '/v1/chat', { key: USER_KEY, body: { message: 'where is my order?' } });
    expect(res.status).toBe(200);
    const text = await (await fetch(`${g.url}/metrics`)).text();
    expect(text).toMatch(/gateway_pipeline_hop_duration_seconds_count\{[^}]*hop="classify"[^}]*\} 1/);
    expect(text).toMatch(/gateway_degraded_total\{[^}]*hop="respond"[^}]*\} 1/);
    expect(text).toMatch(/gateway_turns_total\{[^}]*outcome="escalated"[^}]*\} 1/);
    expect(text).toMatch(/circuit_breaker_state\{[^}]*name="response-generator"[^}]*\} 0/);
    expect(text).toMatch(/gateway_rate_limit_degraded\{[^}]*\} 0/);
  });
});
