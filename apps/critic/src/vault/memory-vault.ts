import { createTokenAssigner, tokenizeSpans, type PiiSpan } from '@supportmesh/pii';
import type { TokenVault } from './vault.js';

export interface MemoryTokenVaultOptions {
  /** TTL in seconds per conversation (default 3600). */
  readonly ttlSec?: number;
  /** Clock in ms (default Date.now), injectable for tests. */
  readonly now?: () => number;
  /** Most conversations kept (oldest dropped first; default 10 000). */
  readonly maxConversations?: number;
}

/**
 * In-process vault: one request's scratch mapping, or a single-replica stand-in for Redis in tests.
 * Not shared between replicas — production uses {@link RedisTokenVault}.
 */
export class MemoryTokenVault implements TokenVault {
  readonly #entries = new Map<string, { mapping: Record<string, string>; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #max: number;

  constructor(options: MemoryTokenVaultOptions = {}) {
    this.#ttlMs = (options.ttlSec ?? 3600) * 1000;
    this.#now = options.now ?? Date.now;
    this.#max = options.maxConversations ?? 10_000;
  }

  async mapping(conversationId: string): Promise<Record<string, string>> {
    const entry = this.#entries.get(conversationId);
    if (!entry || entry.expiresAt <= this.#now()) {
      this.#entries.delete(conversationId);
      return {};
    }
    return { ...entry.mapping };
  }

  async tokenize(conversationId: string, text: string, spans: readonly PiiSpan[]): Promise<string> {
    if (spans.length === 0) return text;
    const assigner = createTokenAssigner(await this.mapping(conversationId));
    const out = tokenizeSpans(text, spans, assigner.assign);
    this.#entries.delete(conversationId);
    this.#entries.set(conversationId, { mapping: assigner.mapping(), expiresAt: this.#now() + this.#ttlMs });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return out;
  }
}
