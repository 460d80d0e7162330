import { isConfigError } from '@supportmesh/service-kit';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeRetrievalConfig } from './config.js';

describe('loadKnowledgeRetrievalConfig', () => {
  it('defaults to port 8082, BM25 only, intent boost ×2', () => {
    expect(loadKnowledgeRetrievalConfig({})).toMatchObject({ PORT: 8082, RETRIEVAL_EMBEDDINGS: 'off', RETRIEVAL_INTENT_BOOST: 1, RETRIEVAL_FUZZY: 0.2 });
  });

  it('turns on hybrid retrieval from the environment', () => {
    expect(loadKnowledgeRetrievalConfig({ RETRIEVAL_EMBEDDINGS: 'on' }).RETRIEVAL_EMBEDDINGS).toBe('on');
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadKnowledgeRetrievalConfig({ RETRIEVAL_EMBEDDINGS: 'yes', RETRIEVAL_FUZZY: '3' });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/RETRIEVAL_EMBEDDINGS[\s\S]*RETRIEVAL_FUZZY|RETRIEVAL_FUZZY[\s\S]*RETRIEVAL_EMBEDDINGS/);
  });
});
