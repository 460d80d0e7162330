import { INTENTS, type ConversationTurnEvent, type Intent } from '@supportmesh/contracts';

/** One valid `conversation.turn` event; override any field. */
export function makeTurnEvent(overrides: Partial<ConversationTurnEvent> = {}): ConversationTurnEvent {
  return {
    eventId: 'evt-1',
    conversationId: 'conv-1',
    turn: 1,
    at: '2025-01-01T12:00:00.000Z',
    intent: 'track_order',
    confidence: 0.93,
    escalated: false,
    latencyMs: { total: 420, perHop: { classify: 40, retrieve: 30, respond: 300, review: 50 } },
    usage: { promptTokens: 300, completionTokens: 80 },
    costUsd: 0.0015,
    model: 'gpt-4o',
    cached: false,
    containment: true,
    ...overrides,
  };
}

export interface TurnEventSetOptions {
  /** @default 1 */
  readonly seed?: number;
  /** Distinct conversations the turns are spread over. @default count / 7 rounded up */
  readonly conversations?: number;
  /** Event id prefix (keep it unique per test run). @default 'evt' */
  readonly idPrefix?: string;
  /** First event time. @default 2025-01-01T00:00:00Z */
  readonly startMs?: number;
}

/**
 * `count` varied, valid events (deterministic for a seed): intents, confidence, escalations, caching,
 * small/large models and latencies all vary, spread over a day.
 */
export function makeTurnEvents(count: number, opts: TurnEventSetOptions = {}): ConversationTurnEvent[] {
  const random = mulberry32(opts.seed ?? 1);
  const conversations = opts.conversations ?? Math.max(1, Math.ceil(count / 7));
  const prefix = opts.idPrefix ?? 'evt';
  const start = opts.startMs ?? Date.UTC(2025, 0, 1);
  const turnsSeen = new Map<string, number>();
  const events: ConversationTurnEvent[] = [];
  for (let i = 0; i < count; i++) {
    const conversationId = `conv-${i % conversations}`;
    const turn = (turnsSeen.get(conversationId) ?? 0) + 1;
    turnsSeen.set(conversationId, turn);
    const intent: Intent = INTENTS[Math.floor(random() * 8) * 3] ?? 'other';
    const escalated = random() < 0.15;
    const cached = random() < 0.3;
    const model = cached ? undefined : random() < 0.6 ? 'gpt-4o' : 'gpt-4o-mini';
    const promptTokens = cached ? 0 : 200 + Math.floor(random() * 400);
    const completionTokens = cached ? 0 : 40 + Math.floor(random() * 160);
    events.push({
      eventId: `${prefix}-${i}`,
      conversationId,
      turn,
      at: new Date(start + Math.floor((i / count) * 86_400_000)).toISOString(),
      intent,
      confidence: Math.round((0.5 + random() / 2) * 1000) / 1000,
      escalated,
      latencyMs: { total: Math.round(50 + random() ** 3 * 6000), perHop: { respond: 10 } },
      usage: { promptTokens, completionTokens },
      costUsd: cached ? 0 : Math.round(random() * 5000) / 1_000_000,
      ...(model === undefined ? {} : { model }),
      cached,
      containment: !escalated,
    });
  }
  return events;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
