import { createHash } from 'node:crypto';

/** One chat message as the client accepts it. */
export interface ChatMessage {
  readonly role: 'system' | 'developer' | 'user' | 'assistant';
  readonly content: string;
}

/** Everything that decides an answer, as used for cache and dedup keys. */
export interface CacheKeyInput {
  readonly task: string;
  readonly tier: string;
  /** A pinned model, when the request named one. */
  readonly model?: string | undefined;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  readonly temperature: number;
  readonly responseFormat?: unknown;
}

const VERSION = 1;

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

function canonicalMessages(messages: readonly ChatMessage[]): [string, string][] {
  return messages.map((m) => [m.role, m.content]);
}

/**
 * Exact key: tier, pinned model, task, every message (system prompt and the whole conversation so far, in order),
 * the token budget, temperature and response format. A multi-turn conversation therefore never matches the key of an
 * earlier turn, even when the latest user message repeats.
 */
export function exactCacheKey(input: CacheKeyInput): string {
  return sha256([
    VERSION,
    'exact',
    input.task,
    input.tier,
    input.model ?? null,
    input.maxTokens,
    input.temperature,
    input.responseFormat ?? null,
    canonicalMessages(input.messages),
  ]);
}

/**
 * Semantic scope: like the exact key but without the final user message, which is the only part compared by
 * similarity. Returns undefined when the conversation does not end with a user message (nothing to compare).
 */
export function semanticScope(input: CacheKeyInput): { scope: string; query: string } | undefined {
  const last = input.messages.at(-1);
  if (!last || last.role !== 'user' || last.content.trim() === '') return undefined;
  const scope = sha256([
    VERSION,
    'semantic',
    input.task,
    input.tier,
    input.model ?? null,
    input.maxTokens,
    input.temperature,
    input.responseFormat ?? null,
    canonicalMessages(input.messages.slice(0, -1)),
  ]);
  return { scope, query: last.content };
}

/** Tokens containing a digit (order numbers, amounts, dates): a semantic match must carry exactly the same ones. */
export function identifierTokens(text: string): string[] {
  const tokens = text.toLowerCase().match(/[\p{L}\p{N}._\-@#/]*\p{N}[\p{L}\p{N}._\-@#/]*/gu) ?? [];
  return [...new Set(tokens.map((t) => t.replace(/[._\-/]+$/, '')))].sort();
}
