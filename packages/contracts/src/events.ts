import { z } from 'zod';
import { Priority } from './agents.js';
import { Id, IsoDateTime, NonNegative, NonNegativeInt, RefId } from './common.js';
import { Intent } from './intents.js';

/** Redis stream names. */
export const STREAMS = {
  conversationTurn: 'conversation.turn',
  tickets: 'escalation.tickets',
} as const;

/** One customer turn, published on the `conversation.turn` stream for analytics. */
export const ConversationTurnEvent = z.object({
  eventId: RefId,
  conversationId: Id,
  turn: NonNegativeInt,
  at: IsoDateTime,
  intent: Intent,
  confidence: z.number().min(0).max(1),
  escalated: z.boolean(),
  ticketId: Id.optional(),
  // Upper bounds keep aggregates exact: consumers add these into integer counters (cost in nano-dollars), and a
  // value past them is a producer bug, not a turn (one turn: ≤ 1 h, ≤ 10 M tokens, ≤ $1,000).
  latencyMs: z.object({ total: NonNegative.max(3_600_000), perHop: z.record(z.string().max(64), NonNegative.max(3_600_000)) }),
  usage: z.object({ promptTokens: NonNegativeInt.max(10_000_000), completionTokens: NonNegativeInt.max(10_000_000) }),
  costUsd: NonNegative.max(1_000),
  model: z.string().max(128).optional(),
  cached: z.boolean(),
  /** Answered without a human (not escalated). */
  containment: z.boolean(),
});
export type ConversationTurnEvent = z.infer<typeof ConversationTurnEvent>;

/** Asks the escalation ticket worker to create a ticket (at-least-once; dedup by `idempotencyKey`). */
export const TicketEvent = z.object({
  ticketId: Id,
  idempotencyKey: RefId,
  conversationId: Id,
  subject: z.string().max(300),
  priority: Priority,
  reason: z.string().max(200),
  requestedAt: IsoDateTime,
});
export type TicketEvent = z.infer<typeof TicketEvent>;

export const Recommendation = z.object({
  id: z.string().min(1).max(128),
  message: z.string().max(1000),
  estimatedMonthlySavingsUsd: NonNegative.optional(),
});
export type Recommendation = z.infer<typeof Recommendation>;

/** `GET /v1/analytics/summary` */
export const AnalyticsSummary = z.object({
  volume: z.object({ conversations: NonNegativeInt, turns: NonNegativeInt }),
  intentMix: z.partialRecord(Intent, NonNegative),
  containmentRate: z.number().min(0).max(1),
  escalationRate: z.number().min(0).max(1),
  latencyMs: z.object({ p50: NonNegative, p95: NonNegative, p99: NonNegative }),
  tokensPerConversation: NonNegative,
  costPerConversationUsd: NonNegative,
  totalCostUsd: NonNegative,
  cacheHitRateByIntent: z.record(z.string().max(64), z.number().min(0).max(1)),
  recommendations: z.array(Recommendation),
  generatedAt: IsoDateTime,
});
export type AnalyticsSummary = z.infer<typeof AnalyticsSummary>;
