import { describe, expect, it } from 'vitest';
import { ChatCompletionRequest, EmbeddingsRequest, PoolStats } from './llm.js';

const stats = {
  pool_enabled: true,
  pool_size: 10,
  active_connections: 2,
  available_connections: 8,
  total_requests: 100,
  total_errors: 1,
  circuit_breaker_state: 'CLOSED',
  avg_wait_time_ms: 1.5,
  timestamp: '2025-01-01T00:00:00.000Z',
};

describe('PoolStats', () => {
  it('accepts the exact seed shape', () => {
    expect(PoolStats.parse(stats)).toEqual(stats);
  });

  it.each(Object.keys(stats))('rejects stats missing %s', (key) => {
    const partial: Record<string, unknown> = { ...stats };
    delete partial[key];
    expect(PoolStats.safeParse(partial).success).toBe(false);
  });

  it('rejects extra keys and unknown breaker states', () => {
    expect(PoolStats.safeParse({ ...stats, extra: 1 }).success).toBe(false);
    expect(PoolStats.safeParse({ ...stats, circuit_breaker_state: 'half-open' }).success).toBe(false);
  });
});

describe('OpenAI facade requests', () => {
  it('passes unknown OpenAI keys through', () => {
    const req = ChatCompletionRequest.parse({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], top_p: 0.9 });
    expect(req).toMatchObject({ top_p: 0.9 });
  });

  it('rejects an unknown role and an empty message list', () => {
    expect(ChatCompletionRequest.safeParse({ model: 'm', messages: [{ role: 'root', content: 'x' }] }).success).toBe(false);
    expect(ChatCompletionRequest.safeParse({ model: 'm', messages: [] }).success).toBe(false);
  });

  it('accepts a string or an array of strings as embeddings input', () => {
    expect(EmbeddingsRequest.safeParse({ model: 'e', input: 'a' }).success).toBe(true);
    expect(EmbeddingsRequest.safeParse({ model: 'e', input: ['a', 'b'] }).success).toBe(true);
    expect(EmbeddingsRequest.safeParse({ model: 'e', input: 3 }).success).toBe(false);
  });
});
