import type { EscalateRequest } from '@supportmesh/contracts';
import { describe, expect, it } from 'vitest';
import { deriveIdempotencyKey, ticketIdFor } from './ticket-id.js';

const req: EscalateRequest = {
  conversationId: 'conv-1',
  text: 'human please',
  intent: 'contact_human_agent',
  sentiment: { label: 'neutral', score: 0 },
  confidence: 0.9,
  findings: [],
};

describe('ticket ids', () => {
  it('are deterministic for an idempotency key and differ between keys', () => {
    expect(ticketIdFor('conv-1:3')).toBe(ticketIdFor('conv-1:3'));
    expect(ticketIdFor('conv-1:3')).not.toBe(ticketIdFor('conv-1:4'));
    expect(ticketIdFor('conv-1:3')).toMatch(/^tkt_[0-9a-f]{24}$/);
  });

  it('derive the same key for a retried request and another for a different turn', () => {
    expect(deriveIdempotencyKey(req)).toBe(deriveIdempotencyKey({ ...req, sentiment: { label: 'negative', score: -0.2 } }));
    expect(deriveIdempotencyKey(req)).not.toBe(deriveIdempotencyKey({ ...req, text: 'human please!!' }));
    expect(deriveIdempotencyKey(req)).not.toBe(deriveIdempotencyKey({ ...req, conversationId: 'conv-2' }));
    expect(deriveIdempotencyKey(req)).toMatch(/^esc:conv-1:[0-9a-f]{32}$/);
  });
});
