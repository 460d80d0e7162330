import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('gives each call its own registry so services and tests do not collide', async () => {
    const a = createMetrics({ service: 'a', collectDefaults: false });
    const b = createMetrics({ service: 'b', collectDefaults: false });
    a.llm.requests.inc({ deployment: 'gpt-4o-mini', model: 'gpt-4o-mini', task: 'respond', outcome: 'success' });
    expect(a.registry).not.toBe(b.registry);
    expect(await a.registry.metrics()).toMatch(/llm_requests_total\{[^}]*outcome="success"[^}]*\} 1/);
    expect(await b.registry.metrics()).not.toMatch(/llm_requests_total\{/);
  });

  it('uses a given registry', () => {
    const registry = new Registry();
    const m = createMetrics({ service: 'x', registry, collectDefaults: false });
    expect(m.registry).toBe(registry);
    expect(registry.getSingleMetric('http_server_requests_total')).toBeDefined();
  });

  it('exposes every series with the service label, including process metrics', async () => {
    const m = createMetrics({ service: 'critic' });
    m.llm.tokens.inc({ deployment: 'd1', model: 'gpt-4o', direction: 'in' }, 120);
    m.llm.costUsd.inc({ deployment: 'd1', model: 'gpt-4o' }, 0.0003);
    m.llm.poolActive.set({ deployment: 'd1' }, 3);
    m.llm.poolAvailable.set({ deployment: 'd1' }, 7);
    m.llm.poolWaiting.set({ deployment: 'd1' }, 0);
    m.llm.cacheHits.inc({ cache: 'response', kind: 'semantic' });
    m.llm.cacheMisses.inc({ cache: 'response', kind: 'exact' });
    const text = await m.registry.metrics();
    for (const name of [
      'process_cpu_user_seconds_total',
      'http_server_requests_in_flight',
      'llm_tokens_total',
      'llm_cost_usd_total',
      'llm_pool_active_connections',
      'llm_pool_available_connections',
      'llm_pool_waiting',
      'cache_hits_total',
      'cache_misses_total',
    ]) {
      expect(text).toMatch(new RegExp(`^${name}\\{[^}]*service="critic"`, 'm'));
    }
    expect(text).toMatch(/^llm_tokens_total\{[^}]*direction="in"[^}]*\} 120$/m);
  });

  it('starts the in-flight gauge at 0 so the scaler sees a value before the first request', async () => {
    const m = createMetrics({ service: 'gateway', collectDefaults: false });
    expect(await m.registry.metrics()).toMatch(/^http_server_requests_in_flight\{service="gateway"\} 0$/m);
  });

  it('buckets request durations from 5 ms to 10 s', async () => {
    const m = createMetrics({ service: 's', collectDefaults: false });
    m.httpRequestDuration.observe({ service: 's', route: '/x', method: 'GET', status: '200' }, 0.003);
    const text = await m.registry.metrics();
    expect(text).toContain('le="0.005"');
    expect(text).toContain('le="10"');
  });
});
