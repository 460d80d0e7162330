import { createHash } from 'node:crypto';
import type { EscalateRequest } from '@supportmesh/contracts';

/**
 * The idempotency key of an escalation when the caller sends no `Idempotency-Key`: the conversation plus a
 * digest of what was escalated, so a retried call maps to the same ticket. Callers that know the turn
 * should send `Idempotency-Key: {conversationId}:{turn}` instead.
 */
export function deriveIdempotencyKey(req: EscalateRequest): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([req.conversationId, req.text, req.intent, req.failedTurns ?? 0]))
    .digest('hex')
    .slice(0, 32);
  return `esc:${req.conversationId}:${digest}`;
}

/** The ticket id for an idempotency key: deterministic, so a retried escalation returns the same ticket. */
export function ticketIdFor(idempotencyKey: string): string {
  return `tkt_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`;
}
