import type { EscalateRequest, TicketEvent } from '@supportmesh/contracts';
import type { Decision, ReasonCode } from '../rules/decide.js';
import { ticketIdFor } from './ticket-id.js';

const SUBJECTS: Record<ReasonCode, string> = {
  legal_threat: 'Legal or chargeback threat',
  threat: 'Threatening or unsafe message',
  abuse: 'Abusive conversation',
  sensitive_pii: 'Customer shared card, bank or identity data',
  explicit_request: 'Customer asked for a human',
  repeated_failure: 'Assistant failed repeatedly',
  negative_sentiment: 'Strongly negative customer',
  policy_intent: 'Policy-sensitive request',
  refund_over_limit: 'Refund above the self-service limit',
  low_confidence: 'Assistant unsure of the request',
};

/** The ticket request for an escalation. The subject names the main reason and intent, never customer text. */
export function buildTicketEvent(req: EscalateRequest, decision: Decision, idempotencyKey: string, now: Date): TicketEvent {
  const main = decision.reasons[0] ?? 'explicit_request';
  return {
    ticketId: ticketIdFor(idempotencyKey),
    idempotencyKey,
    conversationId: req.conversationId,
    subject: `${SUBJECTS[main]} (${req.intent})`,
    priority: decision.priority,
    reason: decision.reason,
    requestedAt: now.toISOString(),
  };
}
