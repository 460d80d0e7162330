import type { Citation, ConversationStatus, Intent } from '@supportmesh/contracts';

/** The conversation document (one per conversation, `id` = conversation id). */
export interface ConversationDoc {
  readonly id: string;
  readonly conversationId: string;
  readonly type: 'conversation';
  readonly owner: string;
  readonly channel: string;
  readonly createdAt: string;
  readonly status: ConversationStatus;
  readonly updatedAt: string;
  readonly ttl?: number;
}

/** One message; `id` = `${conversationId}:${turn}:${role}` (deterministic: upserts are idempotent). */
export interface MessageDoc {
  readonly id: string;
  readonly conversationId: string;
  readonly type: 'message';
  readonly turn: number;
  readonly role: 'user' | 'assistant';
  /** Tokenised text: PII values stay in the critic's vault. */
  readonly text: string;
  readonly at: string;
  readonly intent?: Intent;
  readonly citations?: Citation[];
  readonly ttl?: number;
}

export type StoreDoc = ConversationDoc | MessageDoc;

export function messageId(conversationId: string, turn: number, role: 'user' | 'assistant'): string {
  return `${conversationId}:${turn}:${role}`;
}

/**
 * Merge of two versions of a conversation doc, whatever order they were written in (queued replays, other
 * replicas): the latest update wins, the earliest creation time is kept.
 */
export function mergeConversation(a: ConversationDoc, b: ConversationDoc): ConversationDoc {
  const newer = a.updatedAt >= b.updatedAt ? a : b;
  const older = newer === a ? b : a;
  return { ...newer, createdAt: older.createdAt < newer.createdAt ? older.createdAt : newer.createdAt };
}
