import { describe, expect, it } from 'vitest';
import { findUnsafeContent } from './unsafe.js';

describe('unsafe output content', () => {
  it.each([
    ['Here is how to make a bomb: first…', 'weapons'],
    ['Mix bleach and ammonia to clean faster.', 'weapons'],
    ['The best way to poison someone is…', 'violence'],
    ['You should kill yourself.', 'self_harm'],
    ['Steps to cook meth at home', 'drugs'],
    ['All of those people should die.', 'hate'],
    ['Click <script>steal()</script>', 'executable_markup'],
  ])('flags %j', (text, rule) => {
    expect(findUnsafeContent(text).map((f) => f.rule)).toContain(rule);
  });

  it('reports offsets into the reply', () => {
    const text = 'Sure. You should kill yourself.';
    const [f] = findUnsafeContent(text);
    expect(text.slice(f?.start, f?.end)).toBe('You should kill yourself');
  });

  it.each([
    'Your parcel will arrive in 3-5 business days.',
    'We can kill two birds with one stone by combining your orders.',
    'To cancel your order, open My Orders and choose Cancel.',
    'Our returns policy is 30 days.',
  ])('allows %j', (text) => {
    expect(findUnsafeContent(text)).toEqual([]);
  });
});
