import { describe, expect, it } from 'vitest';
import { groundedAnswer, NO_MATCH_ANSWER, NO_PASSAGES_ANSWER } from './answer.js';
import { formatPassages, parsePassages } from './passages.js';

const passages = parsePassages(
  formatPassages([
    {
      id: 'refunds',
      title: 'Refund policy',
      text: 'Refunds are issued within 5 business days after we receive the returned item. The refund goes back to the original payment method. Gift cards are not refundable.',
    },
    { id: 'shipping', title: 'Shipping times', text: 'Standard shipping takes 3 to 5 days. Express shipping costs $9.99 and arrives the next day.' },
    { id: 'password', title: 'Reset your password', text: 'Click "Forgot password" on the sign-in page. We email you a reset link that is valid for 24 hours.' },
  ]),
);

describe('groundedAnswer', () => {
  it('answers from the most relevant sentences and cites their passage', () => {
    const answer = groundedAnswer('How long does a refund take?', passages);
    expect(answer.text).toContain('Refunds are issued within 5 business days');
    expect(answer.text).not.toContain('shipping');
    expect(answer.citations).toEqual(['refunds']);
    expect(answer.text.endsWith('[passage:refunds]')).toBe(true);
  });

  it('keeps decimal prices inside one sentence', () => {
    const answer = groundedAnswer('How much does express shipping cost?', passages);
    expect(answer.text).toContain('Express shipping costs $9.99 and arrives the next day.');
    expect(answer.citations).toEqual(['shipping']);
  });

  it('cites several passages when the question spans them', () => {
    const answer = groundedAnswer('refund shipping', passages);
    expect(answer.citations).toEqual(expect.arrayContaining(['refunds', 'shipping']));
  });

  it('gives the same answer for the same input', () => {
    expect(groundedAnswer('I forgot my password', passages)).toEqual(groundedAnswer('I forgot my password', passages));
  });

  it('says it does not know and offers a human when there are no passages', () => {
    const answer = groundedAnswer('How long does a refund take?', []);
    expect(answer).toEqual({ text: NO_PASSAGES_ANSWER, citations: [] });
    expect(answer.text).toMatch(/human/);
  });

  it('does not cite passages that have nothing to do with the question', () => {
    expect(groundedAnswer('Do you sell bicycles?', passages)).toEqual({ text: NO_MATCH_ANSWER, citations: [] });
  });
});
