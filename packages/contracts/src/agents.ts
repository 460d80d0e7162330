import { z } from 'zod';
import { Id, IsoDateTime, MAX_TEXT_CHARS, NonNegative, NonNegativeInt, RefId, Text } from './common.js';
import { Intent, IntentCategory } from './intents.js';

// ---------- shared pieces ----------

export const Passage = z.object({
  id: RefId,
  title: z.string().max(300),
  text: Text,
  score: z.number().finite(),
  url: z.string().max(1024).optional(),
});
export type Passage = z.infer<typeof Passage>;

export const ChatTurn = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: Text,
});
export type ChatTurn = z.infer<typeof ChatTurn>;

export const Citation = z.object({
  passageId: RefId,
  title: z.string().max(300),
});
export type Citation = z.infer<typeof Citation>;

export const Usage = z.object({
  promptTokens: NonNegativeInt,
  completionTokens: NonNegativeInt,
  totalTokens: NonNegativeInt,
});
export type Usage = z.infer<typeof Usage>;

export const Sentiment = z.object({
  label: z.enum(['negative', 'neutral', 'positive']),
  score: z.number().min(-1).max(1),
});
export type Sentiment = z.infer<typeof Sentiment>;

export const EntityType = z.enum(['order_number', 'invoice_number', 'email', 'tracking_number', 'amount']);
export type EntityType = z.infer<typeof EntityType>;

export const Entity = z.object({
  type: EntityType,
  value: z.string().max(256),
});
export type Entity = z.infer<typeof Entity>;

export const FindingType = z.enum([
  'email',
  'phone',
  'payment_card',
  'iban',
  'ssn',
  'prompt_injection',
  'abuse',
  'unsafe',
  'ungrounded',
]);
export type FindingType = z.infer<typeof FindingType>;

/** A span `[start, end)` of the reviewed text (character offsets). */
export const Finding = z.object({
  type: FindingType,
  start: NonNegativeInt,
  end: NonNegativeInt,
});
export type Finding = z.infer<typeof Finding>;

export const Confidence = z.number().min(0).max(1);

// ---------- intent-classifier: POST /v1/classify ----------

export const ClassifyRequest = z.strictObject({
  text: z.string().min(1).max(MAX_TEXT_CHARS),
  history: z.array(Text).max(50).optional(),
});
export type ClassifyRequest = z.infer<typeof ClassifyRequest>;

export const ClassifyResponse = z.object({
  intent: Intent,
  category: IntentCategory,
  confidence: Confidence,
  sentiment: Sentiment,
  entities: z.array(Entity).max(100),
  source: z.enum(['model', 'llm', 'fallback']),
});
export type ClassifyResponse = z.infer<typeof ClassifyResponse>;

// ---------- knowledge-retrieval: POST /v1/retrieve ----------

export const RetrieveRequest = z.strictObject({
  query: z.string().min(1).max(MAX_TEXT_CHARS),
  intent: Intent.optional(),
  topK: z.number().int().min(1).max(20).default(4),
});
export type RetrieveRequest = z.infer<typeof RetrieveRequest>;

export const RetrieveResponse = z.object({
  passages: z.array(Passage).max(20),
});
export type RetrieveResponse = z.infer<typeof RetrieveResponse>;

// ---------- response-generator: POST /v1/respond ----------

export const RespondRequest = z.strictObject({
  message: z.string().min(1).max(MAX_TEXT_CHARS),
  intent: Intent,
  passages: z.array(Passage).max(20),
  history: z.array(ChatTurn).max(50),
  conversationId: Id.optional(),
});
export type RespondRequest = z.infer<typeof RespondRequest>;

export const RespondResponse = z.object({
  reply: Text,
  citations: z.array(Citation).max(20),
  usage: Usage,
  costUsd: NonNegative,
  model: z.string().max(128),
  cached: z.boolean(),
});
export type RespondResponse = z.infer<typeof RespondResponse>;

// ---------- critic: POST /v1/review ----------

export const ReviewRequest = z.strictObject({
  text: Text,
  direction: z.enum(['input', 'output']),
  passages: z.array(Passage).max(20).optional(),
  conversationId: Id.optional(),
});
export type ReviewRequest = z.infer<typeof ReviewRequest>;

export const ReviewResponse = z.object({
  verdict: z.enum(['allow', 'redact', 'block']),
  text: Text,
  findings: z.array(Finding).max(500),
  /** A safe reply to send instead (e.g. a polite refusal of a prompt injection). */
  reply: Text.optional(),
});
export type ReviewResponse = z.infer<typeof ReviewResponse>;

// ---------- escalation: POST /v1/escalate ----------

export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof Priority>;

export const EscalateRequest = z.strictObject({
  conversationId: Id,
  text: Text,
  intent: Intent,
  sentiment: Sentiment,
  confidence: Confidence,
  findings: z.array(Finding).max(500),
  failedTurns: NonNegativeInt.max(1000).optional(),
});
export type EscalateRequest = z.infer<typeof EscalateRequest>;

export const EscalateResponse = z.object({
  escalate: z.boolean(),
  reason: z.string().max(200),
  priority: Priority,
  ticketId: Id.optional(),
});
export type EscalateResponse = z.infer<typeof EscalateResponse>;

export const TicketStatus = z.enum(['open', 'pending', 'solved', 'closed']);
export type TicketStatus = z.infer<typeof TicketStatus>;

export const Ticket = z.object({
  id: Id,
  conversationId: Id,
  subject: z.string().max(300),
  priority: Priority,
  reason: z.string().max(200),
  status: TicketStatus,
  createdAt: IsoDateTime,
  idempotencyKey: RefId,
});
export type Ticket = z.infer<typeof Ticket>;
