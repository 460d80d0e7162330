import { Counter, Gauge, type Registry } from 'prom-client';

export interface StreamGauges {
  /** `redis_stream_lag{stream,group}`: entries not yet delivered to the group (KEDA signal). */
  readonly lag: Gauge<'stream' | 'group'>;
  /** `redis_stream_pending{stream,group}`: delivered but not acknowledged. */
  readonly pending: Gauge<'stream' | 'group'>;
}

export interface AnalyticsMetrics extends StreamGauges {
  /** `analytics_events_processed_total{result}`: `applied`, or `duplicate` (redelivery already counted). */
  readonly processed: Counter<'result'>;
  /** `analytics_events_failed_total`: handler attempts that failed (the entry is retried). */
  readonly failed: Counter;
  /** `analytics_events_dead_lettered_total{reason}`: `validation` (at once) or `consumer` (max deliveries / not JSON). */
  readonly deadLettered: Counter<'reason'>;
}

/** The analytics service's own metrics, on the service registry (served on /metrics). */
export function createAnalyticsMetrics(registry: Registry): AnalyticsMetrics {
  const registers = [registry];
  return {
    processed: new Counter({ name: 'analytics_events_processed_total', help: 'conversation.turn events handled, by result', labelNames: ['result'] as const, registers }),
    failed: new Counter({ name: 'analytics_events_failed_total', help: 'conversation.turn handler attempts that failed and will be retried', registers }),
    deadLettered: new Counter({ name: 'analytics_events_dead_lettered_total', help: 'conversation.turn events moved to the dead-letter stream, by reason', labelNames: ['reason'] as const, registers }),
    lag: new Gauge({ name: 'redis_stream_lag', help: 'Stream entries not yet delivered to the consumer group', labelNames: ['stream', 'group'] as const, registers }),
    pending: new Gauge({ name: 'redis_stream_pending', help: 'Stream entries delivered to the group but not acknowledged', labelNames: ['stream', 'group'] as const, registers }),
  };
}
