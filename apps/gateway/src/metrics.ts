import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface GatewayMetrics {
  /** `gateway_pipeline_hop_duration_seconds{hop}` */
  readonly hopDuration: Histogram<'hop'>;
  /** `gateway_degraded_total{hop}`: a hop failed and its fallback answered. */
  readonly degraded: Counter<'hop'>;
  /** `gateway_turns_total{outcome}`: answered | escalated | blocked | degraded */
  readonly turns: Counter<'outcome'>;
  /** `gateway_rate_limit_degraded`: 1 while Redis cannot be used for rate limits (fail mode in force). */
  readonly rateLimitDegraded: Gauge;
  /** `gateway_rate_limited_total{limit}`: user | session | tokens */
  readonly rateLimited: Counter<'limit'>;
  /** `gateway_persist_pending`: conversation writes queued in Redis until Cosmos is back. */
  readonly persistPending: Gauge;
  /** `gateway_persist_writes_total{path,result}`: path direct | queued | flushed */
  readonly persistWrites: Counter<'path' | 'result'>;
}

/** The gateway's own metrics, registered in the service registry (next to the HTTP and breaker metrics). */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  const rateLimitDegraded = new Gauge({
    name: 'gateway_rate_limit_degraded',
    help: '1 while rate limits cannot use Redis and the configured fail mode decides',
    registers,
  });
  rateLimitDegraded.set(0);
  const persistPending = new Gauge({ name: 'gateway_persist_pending', help: 'Conversation writes queued until Cosmos is back', registers });
  persistPending.set(0);
  return {
    hopDuration: new Histogram({
      name: 'gateway_pipeline_hop_duration_seconds',
      help: 'Duration of each conversation pipeline hop in seconds',
      labelNames: ['hop'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    degraded: new Counter({ name: 'gateway_degraded_total', help: 'Pipeline hops that failed and fell back', labelNames: ['hop'] as const, registers }),
    turns: new Counter({ name: 'gateway_turns_total', help: 'Conversation turns by outcome', labelNames: ['outcome'] as const, registers }),
    rateLimitDegraded,
    rateLimited: new Counter({ name: 'gateway_rate_limited_total', help: 'Requests refused by a rate limit', labelNames: ['limit'] as const, registers }),
    persistPending,
    persistWrites: new Counter({
      name: 'gateway_persist_writes_total',
      help: 'Cosmos writes by path (direct, queued, flushed) and result',
      labelNames: ['path', 'result'] as const,
      registers,
    }),
  };
}
