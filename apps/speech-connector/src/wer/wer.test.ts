import { describe, expect, it } from 'vitest';
import { sumErrors, wordErrorRate, wordErrors } from './wer.js';

const w = (s: string): string[] => (s === '' ? [] : s.split(' '));

describe('word error rate', () => {
  it('is 0 for an exact match', () => {
    expect(wordErrorRate(wordErrors(w('reset my password'), w('reset my password')))).toBe(0);
  });

  it('counts substitutions, deletions and insertions from the cheapest alignment', () => {
    expect(wordErrors(w('i want to reset my password'), w('i want reset the password please'))).toEqual({
      substitutions: 1,
      deletions: 1,
      insertions: 1,
      referenceWords: 6,
    });
  });

  it('is (S + D + I) / N and can exceed 1 with many insertions', () => {
    expect(wordErrorRate(wordErrors(w('hello'), w('oh hello there you')))).toBe(3);
    expect(wordErrorRate(wordErrors(w('where is my order'), w('')))).toBe(1);
  });

  it('weights sentences by length when summed', () => {
    const total = sumErrors([wordErrors(w('a b c d'), w('a b c x')), wordErrors(w('e f'), w('e f'))]);
    expect(wordErrorRate(total)).toBeCloseTo(1 / 6);
  });
});
