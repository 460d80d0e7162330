import type { Passage } from '@supportmesh/contracts';
import { describe, expect, it } from 'vitest';
import { EMPTY_REPLY_FALLBACK, parseCitations } from './citations.js';

const passages: Passage[] = [
  { id: 'returns-policy', title: 'Returns policy', text: 'Return within 30 days.', score: 2 },
  { id: 'refund-timing', title: 'When refunds arrive', text: 'Refunds take 5 days.', score: 1 },
  { id: 'faq]odd', title: 'Odd id', text: 'x', score: 1 },
];

describe('parseCitations', () => {
  it('turns markers into citations in order of first use and strips them from the reply', () => {
    const { reply, citations } = parseCitations(
      'You can return items within 30 days [passage:returns-policy]. Refunds take 5 days. [passage:refund-timing] [passage:returns-policy]',
      passages,
    );
    expect(reply).toBe('You can return items within 30 days. Refunds take 5 days.');
    expect(citations).toEqual([
      { passageId: 'returns-policy', title: 'Returns policy' },
      { passageId: 'refund-timing', title: 'When refunds arrive' },
    ]);
  });

  it('drops ids that are not among the given passages', () => {
    const { reply, citations } = parseCitations('Free shipping forever. [passage:made-up] [passage:refund-timing]', passages);
    expect(reply).toBe('Free shipping forever.');
    expect(citations).toEqual([{ passageId: 'refund-timing', title: 'When refunds arrive' }]);
  });

  it('reads the looser forms models write', () => {
    const { reply, citations } = parseCitations('Yes [passage: returns-policy, passage:refund-timing]; and [PASSAGE:faq_odd].', passages);
    expect(reply).toBe('Yes; and.');
    expect(citations.map((c) => c.passageId)).toEqual(['returns-policy', 'refund-timing', 'faq]odd']);
  });

  it('keeps PII tokens and other brackets verbatim', () => {
    const { reply } = parseCitations('We will email [EMAIL_1] about order [12345]. [passage:returns-policy]', passages);
    expect(reply).toBe('We will email [EMAIL_1] about order [12345].');
  });

  it('falls back to a hand-off sentence when the reply was only markers', () => {
    expect(parseCitations(' [passage:returns-policy] ', passages)).toEqual({
      reply: EMPTY_REPLY_FALLBACK,
      citations: [{ passageId: 'returns-policy', title: 'Returns policy' }],
    });
  });
});
