import { describe, expect, it } from 'vitest';
import { cosineSimilarity, hashedNgramEmbedding } from './embedding.js';

const sim = (a: string, b: string): number => cosineSimilarity(hashedNgramEmbedding(a), hashedNgramEmbedding(b));

describe('hashedNgramEmbedding', () => {
  it('is deterministic, unit length and of the requested size', () => {
    const v = hashedNgramEmbedding('Where is my parcel?', { dims: 128 });
    expect(v).toHaveLength(128);
    expect(v).toEqual(hashedNgramEmbedding('Where is my parcel?', { dims: 128 }));
    expect(Math.hypot(...v)).toBeCloseTo(1, 9);
    expect(hashedNgramEmbedding('  ?! ').every((x) => x === 0)).toBe(true);
  });

  it('scores paraphrases above the default 0.85 threshold and unrelated questions far below it', () => {
    expect(sim('How do I reset my password?', 'how can I reset my password')).toBeGreaterThanOrEqual(0.85);
    expect(sim('I want to cancel my subscription', 'I want to cancel my subscription!')).toBeGreaterThan(0.99);
    expect(sim('How do I reset my password?', 'Where is my order?')).toBeLessThan(0.5);
    expect(sim('I want to cancel my subscription', 'I want to cancel my order')).toBeLessThan(0.85);
  });

  it('cosineSimilarity refuses vectors of different length', () => {
    expect(() => cosineSimilarity([1, 0], [1, 0, 0])).toThrow(RangeError);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
  });
});
