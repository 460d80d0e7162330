import { EscalateRequest, RefId, type EscalateResponse } from '@supportmesh/contracts';
import { HttpError, requireJson, ServiceUnavailableError, validateBody } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import type { Express } from 'express';
import type { EscalationMetrics } from '../metrics.js';
import { decide, type EscalationRules } from '../rules/decide.js';
import { buildTicketEvent } from '../tickets/ticket-event.js';
import { deriveIdempotencyKey } from '../tickets/ticket-id.js';
import type { TicketStore } from '../tickets/ticket-store.js';

export interface EscalateRouteDeps {
  readonly rules: EscalationRules;
  readonly tickets: Pick<TicketStore, 'enqueue'>;
  readonly metrics: EscalationMetrics;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * `POST /v1/escalate`: decides, and when escalating records + enqueues the ticket and answers its id at once
 * (the worker creates it in the service desk). `Idempotency-Key` (or a digest of the request) makes a
 * retried call answer the same ticket id without a second ticket.
 */
export function registerEscalateRoute(app: Express, deps: EscalateRouteDeps): void {
  app.post('/v1/escalate', requireJson(), validateBody(EscalateRequest), async (req, res) => {
    const body = req.body as EscalateRequest;
    const headerKey = req.get('idempotency-key');
    if (headerKey !== undefined && !RefId.safeParse(headerKey).success) {
      throw new HttpError(400, 'VALIDATION_FAILED', 'Invalid Idempotency-Key header', [
        { path: 'headers.idempotency-key', message: 'must be 1..256 printable ASCII chars without spaces' },
      ]);
    }
    const decision = decide(body, deps.rules);
    deps.metrics.decisions.inc({ escalate: String(decision.escalate), priority: decision.priority });
    if (!decision.escalate) {
      const response: EscalateResponse = { escalate: false, reason: decision.reason, priority: decision.priority };
      res.json(response);
      return;
    }

    const event = buildTicketEvent(body, decision, headerKey ?? deriveIdempotencyKey(body), deps.now());
    let fresh: boolean;
    try {
      fresh = await deps.tickets.enqueue(event);
    } catch (err) {
      throw new ServiceUnavailableError(1, 'Ticket queue unavailable', { cause: err });
    }
    deps.metrics.enqueued.inc({ result: fresh ? 'new' : 'duplicate' });
    deps.logger.info(
      { conversationId: body.conversationId, intent: body.intent, reason: decision.reason, priority: decision.priority, ticketId: event.ticketId, duplicate: !fresh },
      'escalated',
    );
    const response: EscalateResponse = { escalate: true, reason: decision.reason, priority: decision.priority, ticketId: event.ticketId };
    res.json(response);
  });
}
