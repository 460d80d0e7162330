import type { LlmClient } from '@supportmesh/llm-client';
import { BREAKER_STATE_VALUE } from './breaker.js';
import type { Metrics } from './metrics.js';

export interface BindLlmMetricsOptions {
  /** How often pool gauges and breaker states are refreshed from `llm.stats()`. @default 5000 */
  readonly pollMs?: number;
}

/** `circuit_breaker_state{name}` label of a deployment's breaker. */
export function llmBreakerName(deployment: string): string {
  return `llm:${deployment}`;
}

/**
 * Mirrors the llm-client into the service's Prometheus metrics: `llm_requests_total` (outcome `success` or the
 * failure code, lower case), `llm_tokens_total{direction}`, `llm_cost_usd_total`, `cache_hits_total{cache="llm",kind}`,
 * `cache_misses_total{cache="llm"}`, breaker state per deployment (on every transition), and the pool gauges
 * (polled; the timer is unref'd). Returns a function that unsubscribes and stops the poll.
 */
export function bindLlmMetrics(llm: LlmClient, metrics: Pick<Metrics, 'llm'>, options: BindLlmMetricsOptions = {}): () => void {
  const m = metrics.llm;
  const unsubscribe = [
    llm.on('response', (e) => {
      m.requests.inc({ deployment: e.deployment, model: e.model, task: e.task, outcome: 'success' });
      m.tokens.inc({ deployment: e.deployment, model: e.model, direction: 'in' }, e.usage.promptTokens);
      m.tokens.inc({ deployment: e.deployment, model: e.model, direction: 'out' }, e.usage.completionTokens);
      if (e.costUsd > 0) m.costUsd.inc({ deployment: e.deployment, model: e.model }, e.costUsd);
    }),
    llm.on('error', (e) => {
      m.requests.inc({ deployment: e.deployment ?? 'none', model: e.model ?? 'none', task: e.task, outcome: e.code.toLowerCase() });
    }),
    llm.on('cacheHit', (e) => m.cacheHits.inc({ cache: 'llm', kind: e.kind })),
    llm.on('cacheMiss', () => m.cacheMisses.inc({ cache: 'llm', kind: 'response' })),
    llm.on('breaker', (e) => m.breakerState.set({ name: llmBreakerName(e.deployment) }, BREAKER_STATE_VALUE[e.state])),
  ];
  const poll = (): void => {
    for (const [deployment, s] of Object.entries(llm.stats().deployments)) {
      m.poolActive.set({ deployment }, s.active_connections);
      m.poolAvailable.set({ deployment }, s.available_connections);
      m.breakerState.set({ name: llmBreakerName(deployment) }, BREAKER_STATE_VALUE[s.circuit_breaker_state]);
    }
  };
  poll();
  const timer = setInterval(poll, options.pollMs ?? 5_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const off of unsubscribe) off();
  };
}
