import { describe, expect, it } from 'vitest';
import { cosine, embed, toBase64 } from './embeddings.js';

describe('embed', () => {
  it('is L2-normalised with 256 dimensions by default', () => {
    const v = embed('Where is my order?');
    expect(v).toHaveLength(256);
    expect(cosine(v, v)).toBeCloseTo(1, 6);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });

  it('puts similar texts closer than unrelated ones', () => {
    const a = embed('I want a refund for my order');
    const b = embed('how do I get a refund for my order');
    const c = embed('the weather in Paris is sunny');
    expect(cosine(a, b)).toBeGreaterThan(0.6);
    expect(cosine(a, c)).toBeLessThan(0.3);
  });

  it('is deterministic and honours the requested dimensions', () => {
    expect(Array.from(embed('same text', 64))).toEqual(Array.from(embed('same text', 64)));
    expect(embed('x', 64)).toHaveLength(64);
  });

  it('encodes base64 as little-endian float32 like the OpenAI API', () => {
    const v = embed('hello world', 8);
    const decoded = new Float32Array(new Uint8Array(Buffer.from(toBase64(v), 'base64')).buffer);
    expect(Array.from(decoded)).toEqual(Array.from(v));
  });
});
