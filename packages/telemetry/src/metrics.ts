import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  readonly service: string;
  /** @default a new Registry */
  readonly registry?: Registry;
  /** Collect Node process metrics (CPU, memory, event loop, GC). @default true */
  readonly collectDefaults?: boolean;
}

export type HttpLabels = 'service' | 'route' | 'method' | 'status';

export interface LlmMetrics {
  /** `llm_requests_total{deployment,model,task,outcome}` */
  readonly requests: Counter<'deployment' | 'model' | 'task' | 'outcome'>;
  /** `llm_tokens_total{deployment,model,direction}`, direction `in` | `out` */
  readonly tokens: Counter<'deployment' | 'model' | 'direction'>;
  /** `llm_cost_usd_total{deployment,model}` */
  readonly costUsd: Counter<'deployment' | 'model'>;
  /** `llm_pool_active_connections{deployment}` */
  readonly poolActive: Gauge<'deployment'>;
  /** `llm_pool_available_connections{deployment}` */
  readonly poolAvailable: Gauge<'deployment'>;
  /** `llm_pool_waiting{deployment}` */
  readonly poolWaiting: Gauge<'deployment'>;
  /** `circuit_breaker_state{name}`: 0 closed, 1 half-open, 2 open */
  readonly breakerState: Gauge<'name'>;
  /** `cache_hits_total{cache,kind}` */
  readonly cacheHits: Counter<'cache' | 'kind'>;
  /** `cache_misses_total{cache,kind}` */
  readonly cacheMisses: Counter<'cache' | 'kind'>;
}

export interface Metrics {
  readonly service: string;
  readonly registry: Registry;
  /** `http_server_requests_total{service,route,method,status}` */
  readonly httpRequestsTotal: Counter<HttpLabels>;
  /** `http_server_request_duration_seconds{service,route,method,status}` */
  readonly httpRequestDuration: Histogram<HttpLabels>;
  /** `http_server_requests_in_flight{service}` (the per-pod scaling signal) */
  readonly httpInFlight: Gauge<'service'>;
  readonly llm: LlmMetrics;
}

export const HTTP_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates the service's Prometheus metrics in their own registry (default label `service`),
 * including default process metrics. Serve `metrics.registry.metrics()` on `/metrics`.
 */
export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = opts.registry ?? new Registry();
  registry.setDefaultLabels({ service: opts.service });
  if (opts.collectDefaults ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpInFlight = new Gauge({
    name: 'http_server_requests_in_flight',
    help: 'HTTP requests currently being served',
    labelNames: ['service'] as const,
    registers,
  });
  httpInFlight.set({ service: opts.service }, 0);

  return {
    service: opts.service,
    registry,
    httpRequestsTotal: new Counter({
      name: 'http_server_requests_total',
      help: 'HTTP requests served, by route template, method and status',
      labelNames: ['service', 'route', 'method', 'status'] as const,
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route template, method and status',
      labelNames: ['service', 'route', 'method', 'status'] as const,
      buckets: [...HTTP_DURATION_BUCKETS],
      registers,
    }),
    httpInFlight,
    llm: {
      requests: new Counter({
        name: 'llm_requests_total',
        help: 'LLM requests by deployment, model, task and outcome',
        labelNames: ['deployment', 'model', 'task', 'outcome'] as const,
        registers,
      }),
      tokens: new Counter({
        name: 'llm_tokens_total',
        help: 'LLM tokens by deployment, model and direction (in|out)',
        labelNames: ['deployment', 'model', 'direction'] as const,
        registers,
      }),
      costUsd: new Counter({
        name: 'llm_cost_usd_total',
        help: 'Estimated LLM cost in US dollars',
        labelNames: ['deployment', 'model'] as const,
        registers,
      }),
      poolActive: new Gauge({
        name: 'llm_pool_active_connections',
        help: 'LLM pool connections in use',
        labelNames: ['deployment'] as const,
        registers,
      }),
      poolAvailable: new Gauge({
        name: 'llm_pool_available_connections',
        help: 'LLM pool connections free',
        labelNames: ['deployment'] as const,
        registers,
      }),
      poolWaiting: new Gauge({
        name: 'llm_pool_waiting',
        help: 'LLM requests waiting for a pool connection',
        labelNames: ['deployment'] as const,
        registers,
      }),
      breakerState: new Gauge({
        name: 'circuit_breaker_state',
        help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
        labelNames: ['name'] as const,
        registers,
      }),
      cacheHits: new Counter({
        name: 'cache_hits_total',
        help: 'Cache hits by cache and kind',
        labelNames: ['cache', 'kind'] as const,
        registers,
      }),
      cacheMisses: new Counter({
        name: 'cache_misses_total',
        help: 'Cache misses by cache and kind',
        labelNames: ['cache', 'kind'] as const,
        registers,
      }),
    },
  };
}
