import { describe, expect, it } from 'vitest';
import { exactCacheKey, identifierTokens, semanticScope, type CacheKeyInput } from './cache-keys.js';

const question = { role: 'user' as const, content: 'Where is my order?' };
const base: CacheKeyInput = {
  task: 'respond',
  tier: 'large',
  messages: [
    { role: 'system', content: 'You are a helpful support agent.' },
    question,
  ],
  maxTokens: 400,
  temperature: 0,
};

describe('cache keys', () => {
  it('change with the tier, the system prompt, the budget and any earlier turn', () => {
    const key = exactCacheKey(base);
    expect(exactCacheKey({ ...base })).toBe(key);
    expect(exactCacheKey({ ...base, tier: 'small' })).not.toBe(key);
    expect(exactCacheKey({ ...base, maxTokens: 50 })).not.toBe(key);
    expect(exactCacheKey({ ...base, messages: [{ role: 'system', content: 'Be terse.' }, question] })).not.toBe(key);
    const laterTurn: CacheKeyInput = {
      ...base,
      messages: [...base.messages, { role: 'assistant', content: 'It ships tomorrow.' }, { role: 'user', content: 'Where is my order?' }],
    };
    expect(exactCacheKey(laterTurn)).not.toBe(key);
    expect(semanticScope(laterTurn)?.scope).not.toBe(semanticScope(base)?.scope);
  });

  it('semantic scope excludes only the final user message', () => {
    const a = semanticScope(base);
    const b = semanticScope({ ...base, messages: [{ role: 'system', content: 'You are a helpful support agent.' }, { role: 'user', content: 'where’s my order' }] });
    expect(a?.scope).toBe(b?.scope);
    expect(a?.query).toBe('Where is my order?');
    expect(semanticScope({ ...base, messages: [...base.messages, { role: 'assistant', content: 'x' }] })).toBeUndefined();
  });

  it('extracts identifiers so different order numbers never share an answer', () => {
    expect(identifierTokens('Where is order #12345 and INV-2024-77?')).toEqual(['#12345', 'inv-2024-77']);
    expect(identifierTokens('no numbers here')).toEqual([]);
  });
});
