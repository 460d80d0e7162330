import type { EnvironmentConfig, ServiceSpec } from './catalogue.js';
import { latencyP95Query } from './keda/scaling.js';
import { METRICS } from './metrics.js';
import { names } from './names.js';

/** One alerting rule (prometheus-operator `Rule`). */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: `${number}${'s' | 'm' | 'h'}`;
  readonly labels: { readonly severity: 'warning' | 'critical'; readonly service: string };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** Thresholds of the seed's alert table. */
export const ALERT_THRESHOLDS = {
  cpuUtilization: 0.85,
  cpuFor: '10m',
  poolUtilization: 0.9,
  latencyP95Seconds: 3,
  atMaxFor: '15m',
} as const;

/** The seed's alert table for one service (pool alerts only for LLM users; the budget alert lives with the gateway). */
export function alertsFor(spec: ServiceSpec, env: EnvironmentConfig): AlertRule[] {
  const ns = env.namespace;
  const svc = spec.name;
  const sel = `namespace="${ns}",service="${svc}"`;
  const labels = (severity: 'warning' | 'critical') => ({ severity, service: svc });
  const rules: AlertRule[] = [
    {
      alert: 'SupportMeshHighCpu',
      expr: `sum(rate(container_cpu_usage_seconds_total{namespace="${ns}",container="${svc}"}[5m])) / sum(kube_pod_container_resource_requests{namespace="${ns}",container="${svc}",resource="cpu"}) > ${ALERT_THRESHOLDS.cpuUtilization}`,
      for: ALERT_THRESHOLDS.cpuFor,
      labels: labels('warning'),
      annotations: { summary: `${svc} CPU above 85% of requests for 10 minutes`, description: `${svc} in ${ns} has used more than 85% of its CPU requests for 10 minutes; check scaling and limits.` },
    },
    {
      alert: 'SupportMeshCircuitOpen',
      expr: `max by (name) (${METRICS.breakerState}{${sel}}) >= 2`,
      for: '1m',
      labels: labels('critical'),
      annotations: { summary: `${svc} circuit breaker {{ $labels.name }} is open`, description: `A circuit breaker in ${svc} has been open for a minute; the pipeline is degrading.` },
    },
    {
      alert: 'SupportMeshHighLatencyP95',
      expr: `${latencyP95Query(env, spec)} > ${ALERT_THRESHOLDS.latencyP95Seconds}`,
      for: '5m',
      labels: labels('warning'),
      annotations: { summary: `${svc} p95 latency above 3 s`, description: `${svc} in ${ns} answers slower than 3 s at the 95th percentile for 5 minutes.` },
    },
    {
      alert: 'SupportMeshAtMaxReplicas',
      expr: `kube_horizontalpodautoscaler_status_current_replicas{namespace="${ns}",horizontalpodautoscaler="${names.hpa(svc)}"} >= kube_horizontalpodautoscaler_spec_max_replicas{namespace="${ns}",horizontalpodautoscaler="${names.hpa(svc)}"}`,
      for: ALERT_THRESHOLDS.atMaxFor,
      labels: labels('warning'),
      annotations: { summary: `${svc} has run at its maximum replica count for 15 minutes`, description: `${svc} in ${ns} cannot scale further; raise maxReplicaCount in the catalogue or find the bottleneck.` },
    },
  ];
  if (spec.usesLlm) {
    rules.push({
      alert: 'SupportMeshLlmPoolExhausted',
      expr: `sum(${METRICS.llmPoolActive}{${sel}}) / (sum(${METRICS.llmPoolActive}{${sel}}) + sum(${METRICS.llmPoolAvailable}{${sel}})) > ${ALERT_THRESHOLDS.poolUtilization}`,
      for: '5m',
      labels: labels('critical'),
      annotations: { summary: `${svc} LLM connection pool above 90% in use`, description: `More than 90% of ${svc}'s LLM connections are busy; requests will queue.` },
    });
  }
  if (spec.name === 'gateway') {
    rules.push({
      alert: 'SupportMeshMonthlyCostOverBudget',
      expr: `sum(increase(${METRICS.llmCostUsd}{namespace="${ns}"}[30d])) > ${env.monthlyLlmBudgetUsd}`,
      for: '1h',
      labels: labels('critical'),
      annotations: { summary: `LLM spend over the last 30 days is above $${env.monthlyLlmBudgetUsd}`, description: `Rolling 30-day LLM cost in ${ns} exceeds the budget of $${env.monthlyLlmBudgetUsd}.` },
    });
  }
  return rules;
}
