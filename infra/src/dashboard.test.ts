import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_CONFIG } from './catalogue.js';
import { DASHBOARD_FILE, dashboard, dashboardJson } from './dashboard.js';

describe('Grafana dashboard', () => {
  it('is committed as generated (run npm run synth after changing it)', () => {
    const committed = readFileSync(new URL(`../dashboards/${DASHBOARD_FILE}`, import.meta.url), 'utf8');
    expect(committed).toBe(dashboardJson(ENVIRONMENT_CONFIG.prod));
  });

  it('shows replicas, pool usage, breaker state, request rate, latency percentiles and cost', () => {
    const panels = dashboard(ENVIRONMENT_CONFIG.prod)['panels'] as { title: string; targets: { expr: string }[] }[];
    const exprs = (title: string) => panels.find((p) => p.title === title)?.targets.map((t) => t.expr).join('\n') ?? '';
    expect(exprs('Replicas per service')).toContain('kube_deployment_status_replicas_available');
    expect(exprs('LLM pool usage')).toContain('llm_pool_active_connections');
    expect(exprs('Circuit breaker state')).toContain('circuit_breaker_state');
    expect(exprs('Request rate')).toContain('http_server_requests_total');
    expect(exprs('Latency percentiles')).toMatch(/histogram_quantile\(0\.5,[\s\S]*histogram_quantile\(0\.95,[\s\S]*histogram_quantile\(0\.99,/);
    expect(exprs('LLM cost per hour')).toContain('llm_cost_usd_total');
    const ids = panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
