import { describe, expect, it } from 'vitest';
import { ConversationTurnEvent } from './events.js';

const turn = {
  eventId: 'evt-1',
  conversationId: 'conv-1',
  turn: 1,
  at: '2026-11-23T09:00:00.000Z',
  intent: 'track_order',
  confidence: 0.9,
  escalated: false,
  latencyMs: { total: 420, perHop: { respond: 380 } },
  usage: { promptTokens: 500, completionTokens: 80 },
  costUsd: 0.002,
  model: 'gpt-4o',
  cached: false,
  containment: true,
};

describe('conversation.turn event', () => {
  it('accepts a realistic turn', () => {
    expect(ConversationTurnEvent.safeParse(turn).success).toBe(true);
  });

  it.each([
    ['a cost no single turn can have', { costUsd: 1e13 }],
    ['more tokens than any model takes', { usage: { promptTokens: 2e10, completionTokens: 0 } }],
    ['a latency over an hour', { latencyMs: { total: 4e6, perHop: {} } }],
  ])('rejects %s, so consumers can add every field into integer counters exactly', (_name, patch) => {
    expect(ConversationTurnEvent.safeParse({ ...turn, ...patch }).success).toBe(false);
  });
});
