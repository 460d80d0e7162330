import type { EnvironmentConfig } from './catalogue.js';
import { METRICS, PROBE_ROUTES } from './metrics.js';

export const DASHBOARD_FILE = 'supportmesh-overview.json';
export const DASHBOARD_UID = 'supportmesh-overview';

interface Target {
  readonly expr: string;
  readonly legendFormat: string;
}

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly targets: readonly Target[];
  readonly type?: 'timeseries' | 'stat';
  readonly max?: number;
}

const ns = 'namespace="$namespace"';
const notProbes = `route!~"${PROBE_ROUTES.join('|')}"`;
const quantile = (q: number) =>
  `histogram_quantile(${q}, sum by (le, service) (rate(${METRICS.httpDuration}_bucket{${ns},${notProbes}}[5m])))`;

/** Panels: replicas, request rate, latency percentiles, in-flight, pool usage, breaker state, scaler inputs, cost. */
export const PANELS: readonly PanelSpec[] = [
  {
    title: 'Replicas per service',
    description: 'Available pods per Deployment, with the HPA maximum KEDA set.',
    unit: 'short',
    targets: [
      { expr: `sum by (deployment) (kube_deployment_status_replicas_available{${ns}})`, legendFormat: '{{deployment}}' },
      { expr: `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{${ns}})`, legendFormat: 'max {{horizontalpodautoscaler}}' },
    ],
  },
  {
    title: 'Request rate',
    description: 'HTTP requests per second by service (probes included).',
    unit: 'reqps',
    targets: [{ expr: `sum by (service) (rate(${METRICS.httpRequests}{${ns}}[5m]))`, legendFormat: '{{service}}' }],
  },
  {
    title: 'Latency percentiles',
    description: 'p50, p95 and p99 by service, probes excluded. Alert at p95 > 3 s; KEDA scales at p95 > 1 s.',
    unit: 's',
    targets: [
      { expr: quantile(0.5), legendFormat: 'p50 {{service}}' },
      { expr: quantile(0.95), legendFormat: 'p95 {{service}}' },
      { expr: quantile(0.99), legendFormat: 'p99 {{service}}' },
    ],
  },
  {
    title: 'In-flight requests per pod',
    description: 'The KEDA in-flight signal: scale-out target is 10 per pod.',
    unit: 'short',
    targets: [{ expr: `sum by (service) (${METRICS.httpInFlight}{${ns}}) / count by (service) (${METRICS.httpInFlight}{${ns}})`, legendFormat: '{{service}}' }],
  },
  {
    title: 'LLM pool usage',
    description: 'Share of LLM connections in use. Alert above 90%.',
    unit: 'percentunit',
    max: 1,
    targets: [
      {
        expr: `sum by (service) (${METRICS.llmPoolActive}{${ns}}) / (sum by (service) (${METRICS.llmPoolActive}{${ns}}) + sum by (service) (${METRICS.llmPoolAvailable}{${ns}}))`,
        legendFormat: '{{service}}',
      },
    ],
  },
  {
    title: 'Circuit breaker state',
    description: '0 closed, 1 half-open, 2 open.',
    unit: 'short',
    max: 2,
    targets: [{ expr: `max by (service, name) (${METRICS.breakerState}{${ns}})`, legendFormat: '{{service}} {{name}}' }],
  },
  {
    title: 'KEDA scaler inputs',
    description: 'The value each trigger reports (in-flight, p95, stream lag, audio streams, cron windows).',
    unit: 'short',
    targets: [{ expr: `max by (scaledObject, scaler) (keda_scaler_metrics_value{exported_namespace="$namespace"})`, legendFormat: '{{scaledObject}} {{scaler}}' }],
  },
  {
    title: 'LLM cost per hour',
    description: 'US dollars spent on LLM calls per hour, by service.',
    unit: 'currencyUSD',
    targets: [{ expr: `sum by (service) (increase(${METRICS.llmCostUsd}{${ns}}[1h]))`, legendFormat: '{{service}}' }],
  },
  {
    title: 'LLM cost, last 30 days',
    description: 'Rolling 30-day spend; the budget alert fires above the environment budget.',
    unit: 'currencyUSD',
    type: 'stat',
    targets: [{ expr: `sum(increase(${METRICS.llmCostUsd}{${ns}}[30d]))`, legendFormat: 'total' }],
  },
];

/** Grafana dashboard model (schema 39) with `datasource` and `namespace` variables. */
export function dashboard(env: EnvironmentConfig): Record<string, unknown> {
  return {
    uid: DASHBOARD_UID,
    title: 'Support Mesh overview',
    tags: ['supportmesh'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        {
          name: 'namespace',
          type: 'custom',
          query: 'supportmesh-dev,supportmesh-prod',
          current: { text: env.namespace, value: env.namespace },
          options: [],
          hide: 0,
        },
      ],
    },
    panels: PANELS.map((p, i) => ({
      id: i + 1,
      type: p.type ?? 'timeseries',
      title: p.title,
      description: p.description,
      datasource: { type: 'prometheus', uid: '${datasource}' },
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      fieldConfig: { defaults: { unit: p.unit, ...(p.max === undefined ? {} : { max: p.max }) }, overrides: [] },
      options: {},
      targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), expr: t.expr, legendFormat: t.legendFormat, datasource: { type: 'prometheus', uid: '${datasource}' } })),
    })),
  };
}

export function dashboardJson(env: EnvironmentConfig): string {
  return `${JSON.stringify(dashboard(env), null, 2)}\n`;
}
