import { z } from 'zod';
import { Citation } from './agents.js';
import { Id, IsoDateTime, MAX_MESSAGE_CHARS, MessageText, NonNegative, NonNegativeInt, Text } from './common.js';
import { Intent } from './intents.js';

/** Per-hop latency of one turn, in milliseconds (`perHop` keys are hop names, e.g. `classify`). */
export const LatencyBreakdown = z.object({
  total: NonNegative,
  perHop: z.record(z.string().max(64), NonNegative),
});
export type LatencyBreakdown = z.infer<typeof LatencyBreakdown>;

// ---------- gateway: conversations ----------

/** `POST /v1/conversations` → 201 */
export const CreateConversationResponse = z.object({
  conversationId: Id,
});
export type CreateConversationResponse = z.infer<typeof CreateConversationResponse>;

/** `POST /v1/conversations/{id}/messages` body. */
export const MessageRequest = z.strictObject({
  text: MessageText,
});
export type MessageRequest = z.infer<typeof MessageRequest>;

export const MessageResponse = z.object({
  conversationId: Id,
  reply: Text,
  intent: Intent,
  confidence: z.number().min(0).max(1),
  escalated: z.boolean(),
  ticketId: Id.optional(),
  citations: z.array(Citation).max(20),
  latencyMs: LatencyBreakdown,
  /** Hops that failed and were replaced by a fallback (e.g. `classify`, `retrieve`). */
  degraded: z.array(z.string().max(64)),
});
export type MessageResponse = z.infer<typeof MessageResponse>;

/** Single-turn `POST /v1/chat` body (answered with a {@link MessageResponse}). */
export const ChatRequest = z.strictObject({
  message: MessageText,
});
export type ChatRequest = z.infer<typeof ChatRequest>;

export const ConversationStatus = z.enum(['open', 'ended']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const ConversationTurn = z.object({
  turn: NonNegativeInt,
  role: z.enum(['user', 'assistant']),
  text: Text,
  at: IsoDateTime,
  intent: Intent.optional(),
  citations: z.array(Citation).max(20).optional(),
});
export type ConversationTurn = z.infer<typeof ConversationTurn>;

/** `GET /v1/conversations/{id}` */
export const ConversationRecord = z.object({
  id: Id,
  createdAt: IsoDateTime,
  status: ConversationStatus,
  turns: z.array(ConversationTurn),
});
export type ConversationRecord = z.infer<typeof ConversationRecord>;

/** `POST /v1/conversations/{id}/end` (or `DELETE /v1/conversations/{id}`) */
export const EndConversationResponse = z.object({
  conversationId: Id,
  status: z.literal('ended'),
});
export type EndConversationResponse = z.infer<typeof EndConversationResponse>;

// ---------- gateway: channel webhooks (external senders: unknown keys tolerated) ----------

/** `POST /v1/webhooks/email` — unknown keys are stripped. */
export const EmailWebhook = z.object({
  from: z.email().max(320),
  subject: z.string().max(500).optional(),
  text: MessageText,
});
export type EmailWebhook = z.infer<typeof EmailWebhook>;

const ExternalId = z.union([z.string().min(1).max(128), z.number().int().nonnegative()]);

/** `POST /v1/webhooks/shopify` — loose: Shopify sends many more keys, passed through. */
export const ShopifyWebhook = z.looseObject({
  id: ExternalId,
  customer: z.looseObject({ email: z.string().max(320).nullable().optional() }).nullable().optional(),
  note: z.string().max(MAX_MESSAGE_CHARS).nullable().optional(),
});
export type ShopifyWebhook = z.infer<typeof ShopifyWebhook>;

/** `POST /v1/webhooks/zendesk` — loose. */
export const ZendeskWebhook = z.looseObject({
  ticket: z.looseObject({
    id: ExternalId,
    description: MessageText,
  }),
});
export type ZendeskWebhook = z.infer<typeof ZendeskWebhook>;
