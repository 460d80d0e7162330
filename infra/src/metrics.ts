/**
 * Prometheus metric names the manifests, alerts and dashboard query. The services export them through
 * `@supportmesh/telemetry`; keep both sides in step (the README lists them).
 */
export const METRICS = {
  /** Gauge: HTTP requests being served right now, per pod. */
  httpInFlight: 'http_server_requests_in_flight',
  /** Histogram (seconds) with a `route` label (Express route template). */
  httpDuration: 'http_server_request_duration_seconds',
  /** Counter with `route`, `method`, `status` labels. */
  httpRequests: 'http_server_requests_total',
  /** Gauges of the pooled LLM client. */
  llmPoolActive: 'llm_pool_active_connections',
  llmPoolAvailable: 'llm_pool_available_connections',
  /** Counter of LLM spend in US dollars. */
  llmCostUsd: 'llm_cost_usd_total',
  /** Gauge per breaker (`name` label, from @supportmesh/telemetry): 0 closed, 1 half-open, 2 open. */
  breakerState: 'circuit_breaker_state',
  /** Gauge: audio streams being transcribed or synthesized right now, per pod. */
  speechActiveStreams: 'speech_active_streams',
} as const;

/** Routes left out of latency signals: probes and scrapes are fast and frequent and would hide real latency. */
export const PROBE_ROUTES = ['/health', '/ready', '/metrics'] as const;
