import { describe, expect, it } from 'vitest';
import { costUsd, priceFor, usageFromProvider } from './pricing.js';

describe('pricing', () => {
  it('prices gpt-4o and gpt-4o-mini per 1M input, cached input and output tokens', () => {
    const usage = { promptTokens: 1_000_000, completionTokens: 1_000_000, totalTokens: 2_000_000, cachedPromptTokens: 0 };
    expect(costUsd('gpt-4o', usage)).toBeCloseTo(12.5, 9);
    expect(costUsd('gpt-4o-mini', usage)).toBeCloseTo(0.75, 9);
    const cached = { promptTokens: 1_000_000, completionTokens: 0, totalTokens: 1_000_000, cachedPromptTokens: 400_000 };
    expect(costUsd('gpt-4o', cached)).toBeCloseTo(0.6 * 2.5 + 0.4 * 1.25, 9);
    expect(costUsd('text-embedding-3-small', { promptTokens: 1_000_000, completionTokens: 0, totalTokens: 1_000_000, cachedPromptTokens: 0 })).toBeCloseTo(0.02, 9);
  });

  it('matches dated snapshots by longest prefix and prices unknown models at zero', () => {
    expect(priceFor('gpt-4o-mini-2024-07-18')).toEqual(priceFor('gpt-4o-mini'));
    expect(priceFor('gpt-4o-2024-08-06')).toEqual(priceFor('gpt-4o'));
    expect(priceFor('gpt-4ox')).toBeUndefined();
    expect(costUsd('llama3', { promptTokens: 10, completionTokens: 10, totalTokens: 20, cachedPromptTokens: 0 })).toBe(0);
  });

  it('reads the provider usage object including cached prompt tokens', () => {
    expect(usageFromProvider({ prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 64 } })).toEqual({
      promptTokens: 120,
      completionTokens: 30,
      totalTokens: 150,
      cachedPromptTokens: 64,
    });
    expect(usageFromProvider({ prompt_tokens: 7, total_tokens: 7 })).toEqual({ promptTokens: 7, completionTokens: 0, totalTokens: 7, cachedPromptTokens: 0 });
    expect(usageFromProvider(null)).toBeUndefined();
  });
});
