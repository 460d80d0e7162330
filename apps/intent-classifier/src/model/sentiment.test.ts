import { describe, expect, it } from 'vitest';
import { scoreSentiment } from './sentiment.js';

describe('scoreSentiment', () => {
  it('reads angry messages as negative and happy ones as positive', () => {
    expect(scoreSentiment('This is terrible, I am so angry').label).toBe('negative');
    expect(scoreSentiment('Love the jacket, thank you!').label).toBe('positive');
    expect(scoreSentiment('where is my order 12345').label).toBe('neutral');
  });

  it('flips the polarity after a negation', () => {
    expect(scoreSentiment('I am not happy with this').label).toBe('negative');
    expect(scoreSentiment('the tent is not bad').score).toBeGreaterThan(0);
  });

  it('scores stronger wording, capitals and exclamation marks further from zero', () => {
    const plain = scoreSentiment('the service was bad').score;
    expect(scoreSentiment('the service was extremely bad').score).toBeLessThan(plain);
    expect(scoreSentiment('the service was BAD!!!').score).toBeLessThan(plain);
  });

  it('keeps the score within -1..1', () => {
    const s = scoreSentiment('awful horrible terrible worst disgusting pathetic useless scam!!!!!');
    expect(s.score).toBeGreaterThanOrEqual(-1);
    expect(s.score).toBeLessThan(-0.9);
  });
});
