import { Counter, Gauge, type Registry } from 'prom-client';

export interface StreamGauges {
  /** `redis_stream_lag{stream,group}`: entries not yet delivered to the group (KEDA signal). */
  readonly lag: Gauge<'stream' | 'group'>;
  /** `redis_stream_pending{stream,group}`: delivered but not acknowledged. */
  readonly pending: Gauge<'stream' | 'group'>;
}

export interface EscalationMetrics extends StreamGauges {
  /** `escalation_decisions_total{escalate,priority}` */
  readonly decisions: Counter<'escalate' | 'priority'>;
  /** `escalation_tickets_enqueued_total{result}`: `new`, or `duplicate` (a retried escalation). */
  readonly enqueued: Counter<'result'>;
  /** `escalation_tickets_created_total{desk}`: tickets created in the service desk. */
  readonly created: Counter<'desk'>;
  /** `escalation_tickets_failed_total{desk,code}`: failed creation attempts (retried). */
  readonly failed: Counter<'desk' | 'code'>;
  /** `escalation_tickets_dead_lettered_total{reason}`: `validation`/`rejected` (at once) or `consumer` (max deliveries, not JSON). */
  readonly deadLettered: Counter<'reason'>;
}

/** The escalation service's own metrics, on the service registry (served on /metrics). */
export function createEscalationMetrics(registry: Registry): EscalationMetrics {
  const registers = [registry];
  return {
    decisions: new Counter({ name: 'escalation_decisions_total', help: 'Escalation decisions, by outcome and priority', labelNames: ['escalate', 'priority'] as const, registers }),
    enqueued: new Counter({ name: 'escalation_tickets_enqueued_total', help: 'Ticket requests put on the ticket stream, by result', labelNames: ['result'] as const, registers }),
    created: new Counter({ name: 'escalation_tickets_created_total', help: 'Tickets created in the service desk', labelNames: ['desk'] as const, registers }),
    failed: new Counter({ name: 'escalation_tickets_failed_total', help: 'Failed ticket creation attempts (retried)', labelNames: ['desk', 'code'] as const, registers }),
    deadLettered: new Counter({ name: 'escalation_tickets_dead_lettered_total', help: 'Ticket requests moved to the dead-letter stream, by reason', labelNames: ['reason'] as const, registers }),
    lag: new Gauge({ name: 'redis_stream_lag', help: 'Stream entries not yet delivered to the consumer group', labelNames: ['stream', 'group'] as const, registers }),
    pending: new Gauge({ name: 'redis_stream_pending', help: 'Stream entries delivered to the group but not acknowledged', labelNames: ['stream', 'group'] as const, registers }),
  };
}
