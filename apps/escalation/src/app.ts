import { createServiceApp, type ReadinessProbe, type ServiceApp } from '@supportmesh/service-kit';
import type { Logger, Metrics } from '@supportmesh/telemetry';
import { createEscalationMetrics, type EscalationMetrics } from './metrics.js';
import { registerEscalateRoute } from './routes/escalate.js';
import { registerTicketsRoute } from './routes/tickets.js';
import { DEFAULT_RULES, type EscalationRules } from './rules/decide.js';
import type { TicketStore } from './tickets/ticket-store.js';

export interface EscalationAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Ticket records and the ticket queue (Redis). */
  readonly tickets: Pick<TicketStore, 'enqueue' | 'get'>;
  /** @default DEFAULT_RULES */
  readonly rules?: EscalationRules;
  /** The service's own metrics; created on `metrics.registry` when absent (pass the worker's to share them). */
  readonly escalationMetrics?: EscalationMetrics;
  /** Readiness checks, e.g. `{ redis: redisProbe(redis) }`. */
  readonly probes?: Readonly<Record<string, ReadinessProbe>>;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** The escalation service's HTTP side: `POST /v1/escalate`, `GET /v1/tickets/{id}`, health, readiness, metrics. No I/O here. */
export function createApp(deps: EscalationAppDeps): ServiceApp {
  const metrics = deps.escalationMetrics ?? createEscalationMetrics(deps.metrics.registry);
  return createServiceApp({
    service: 'escalation',
    logger: deps.logger,
    metrics: deps.metrics,
    probes: { ...deps.probes },
    configure: (app) => {
      registerEscalateRoute(app, {
        rules: deps.rules ?? DEFAULT_RULES,
        tickets: deps.tickets,
        metrics,
        logger: deps.logger,
        now: deps.now ?? (() => new Date()),
      });
      registerTicketsRoute(app, { tickets: deps.tickets });
    },
  });
}
