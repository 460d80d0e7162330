import { createHash } from 'node:crypto';
import type { CacheStore, VectorCacheStore } from '@supportmesh/state';
import { exactCacheKey, identifierTokens, semanticScope, type CacheKeyInput } from './cache-keys.js';
import type { Usage } from './pricing.js';

/** What a cache entry holds: the answer and what it cost to make it the first time. */
export interface CachedAnswer {
  readonly content: string;
  readonly usage: Usage;
  readonly model: string;
  readonly deployment: string;
  readonly finishReason?: string | undefined;
}

export interface CacheLookup {
  readonly answer: CachedAnswer;
  readonly kind: 'exact' | 'semantic';
  readonly similarity?: number | undefined;
}

export interface ResponseCacheOptions {
  readonly store: CacheStore;
  /** Semantic layer; omitted → exact cache only. */
  readonly vectors?: VectorCacheStore | undefined;
  /** Embeds the final user message for the semantic layer; `model` names the vector space. */
  readonly embed?: ((text: string, signal?: AbortSignal) => Promise<{ vector: number[]; model: string } | undefined>) | undefined;
  readonly ttlSec: number;
  readonly semanticThreshold: number;
  readonly keyPrefix: string;
  /** Cache I/O problems are reported here and treated as misses: a cache never fails a call. */
  readonly onError?: (err: unknown, op: 'get' | 'set' | 'semantic-get' | 'semantic-set') => void;
}

function parseAnswer(raw: string | null): CachedAnswer | undefined {
  if (raw === null) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<CachedAnswer>;
    if (typeof v.content !== 'string' || typeof v.model !== 'string' || typeof v.deployment !== 'string' || !v.usage) return undefined;
    return v as CachedAnswer;
  } catch {
    return undefined;
  }
}

/**
 * Exact + semantic response cache behind one interface. The exact key covers the whole request; the semantic layer
 * compares only the final user message (cosine ≥ threshold) within a scope that pins everything else — tier, model,
 * system prompt, every earlier turn, budget, format, the embedding model and any identifiers (numbers) in the
 * question — so a paraphrase can reuse an answer but a different conversation state or order number cannot.
 */
export class ResponseCache {
  readonly #o: ResponseCacheOptions;

  constructor(options: ResponseCacheOptions) {
    this.#o = options;
  }

  async lookup(input: CacheKeyInput, signal?: AbortSignal): Promise<CacheLookup | undefined> {
    const key = `${this.#o.keyPrefix}exact:${exactCacheKey(input)}`;
    try {
      const exact = parseAnswer(await this.#o.store.get(key));
      if (exact) return { answer: exact, kind: 'exact' };
    } catch (err) {
      this.#o.onError?.(err, 'get');
    }
    const sem = await this.#semantic(input, signal);
    if (!sem) return undefined;
    try {
      const match = await this.#o.vectors?.nearest(sem.scope, sem.vector, this.#o.semanticThreshold);
      const answer = parseAnswer(match?.value ?? null);
      if (match && answer) return { answer, kind: 'semantic', similarity: match.score };
    } catch (err) {
      this.#o.onError?.(err, 'semantic-get');
    }
    return undefined;
  }

  async store(input: CacheKeyInput, answer: CachedAnswer, signal?: AbortSignal): Promise<void> {
    const value = JSON.stringify(answer);
    const key = `${this.#o.keyPrefix}exact:${exactCacheKey(input)}`;
    try {
      await this.#o.store.set(key, value, this.#o.ttlSec);
    } catch (err) {
      this.#o.onError?.(err, 'set');
    }
    const sem = await this.#semantic(input, signal);
    if (!sem) return;
    try {
      await this.#o.vectors?.add(sem.scope, exactCacheKey(input), sem.vector, value, this.#o.ttlSec);
    } catch (err) {
      this.#o.onError?.(err, 'semantic-set');
    }
  }

  async #semantic(input: CacheKeyInput, signal?: AbortSignal): Promise<{ scope: string; vector: number[] } | undefined> {
    if (!this.#o.vectors || !this.#o.embed) return undefined;
    const s = semanticScope(input);
    if (!s) return undefined;
    let embedded: { vector: number[]; model: string } | undefined;
    try {
      embedded = await this.#o.embed(s.query, signal);
    } catch (err) {
      this.#o.onError?.(err, 'semantic-get');
      return undefined;
    }
    if (!embedded || embedded.vector.length === 0) return undefined;
    // Hashed so identifiers from the question never appear in key names.
    const scope = createHash('sha256')
      .update(JSON.stringify([s.scope, embedded.model, embedded.vector.length, identifierTokens(s.query)]))
      .digest('base64url');
    return { scope: `${this.#o.keyPrefix}sem:${scope}`, vector: embedded.vector };
  }
}
