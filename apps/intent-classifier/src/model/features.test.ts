import { describe, expect, it } from 'vitest';
import { extractFeatures } from './features.js';
import { normalizeText } from './normalize.js';

describe('normalizeText', () => {
  it('turns identifiers into placeholder words and drops case, accents and punctuation', () => {
    expect(normalizeText("Where's order NW-10482? Résumé INV-2024-0042 to a@b.example, $20!")).toBe(
      'wheres order xorderx resume xinvoicex to xemailx xamountx',
    );
  });

  it('expands common text-speak', () => {
    expect(normalizeText('pls can u help')).toBe('please can you help');
  });
});

describe('extractFeatures', () => {
  it('shares character n-grams between a word and its typo', () => {
    const right = extractFeatures('password');
    const typo = extractFeatures('pasword');
    const shared = [...right.keys()].filter((k) => typo.has(k) && k.startsWith('c:'));
    expect(shared.length).toBeGreaterThan(3);
  });

  it('has word, bigram and character features and unit length', () => {
    const v = extractFeatures('track my order');
    expect(v.has('w:track')).toBe(true);
    expect(v.has('b:my order')).toBe(true);
    expect(v.has('c: tra')).toBe(true);
    const norm = Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0));
    expect(norm).toBeCloseTo(1, 9);
  });

  it('gives an empty text a feature of its own', () => {
    expect([...extractFeatures('?!').keys()]).toEqual(['empty']);
  });
});
