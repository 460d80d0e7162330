import { describe, expect, it } from 'vitest';
import { QuotaTracker } from './quotas.js';

describe('QuotaTracker', () => {
  it('admits rpm requests per sliding minute, then says when the oldest one leaves the window', () => {
    const quotas = new QuotaTracker({ 'gpt-4o': { rpm: 2 } });
    expect(quotas.consume('gpt-4o', 10, 0)).toMatchObject({ allowed: true, remainingRequests: 1 });
    expect(quotas.consume('gpt-4o', 10, 10_000)).toMatchObject({ allowed: true, remainingRequests: 0 });
    expect(quotas.consume('gpt-4o', 10, 20_000)).toMatchObject({ allowed: false, retryAfterMs: 40_000, limit: 'requests' });
    expect(quotas.consume('gpt-4o', 10, 60_001)).toMatchObject({ allowed: true, remainingRequests: 0 });
  });

  it('limits tokens per minute and reports the remaining tokens', () => {
    const quotas = new QuotaTracker({ '*': { tpm: 100 } });
    expect(quotas.consume('any', 60, 0)).toMatchObject({ allowed: true, remainingTokens: 40 });
    expect(quotas.consume('any', 50, 1_000)).toMatchObject({ allowed: false, limit: 'tokens', retryAfterMs: 59_000, remainingTokens: 40 });
    expect(quotas.consume('any', 40, 1_000)).toMatchObject({ allowed: true, remainingTokens: 0 });
  });

  it('keeps a separate window per deployment and ignores deployments without a quota', () => {
    const quotas = new QuotaTracker({ a: { rpm: 1 }, b: { rpm: 1 } });
    expect(quotas.consume('a', 1, 0)?.allowed).toBe(true);
    expect(quotas.consume('b', 1, 0)?.allowed).toBe(true);
    expect(quotas.consume('a', 1, 0)?.allowed).toBe(false);
    expect(quotas.consume('c', 1, 0)).toBeNull();
  });
});
