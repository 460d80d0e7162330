import type { LlmClient } from '@supportmesh/llm-client';
import type { Embedder } from './retriever.js';

/** Embeddings through the pooled llm-client (the configured embeddings deployment, or its local fallback). */
export function llmEmbedder(llm: Pick<LlmClient, 'embed'>): Embedder {
  return {
    async embed(texts, options) {
      return (await llm.embed(texts, options?.signal ? { signal: options.signal } : {})).embeddings;
    },
  };
}
