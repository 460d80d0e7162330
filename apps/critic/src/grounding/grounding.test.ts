import { describe, expect, it } from 'vitest';
import { checkGrounding, isFactual } from './grounding.js';
import { claimNumbers, contentTokens, extractNumbers } from './tokens.js';

const PASSAGES = [
  {
    id: 'art-01#p1',
    title: 'Refund policy',
    text: 'You can return most items within 30 days of delivery for a full refund. Refunds are issued to the original payment method within 5–7 business days after we receive the return.',
  },
  {
    id: 'art-07#p1',
    title: 'Delivery options',
    text: 'Standard delivery takes 3-5 business days and is free on orders over $50. Express delivery costs $9.99 and arrives the next business day.',
  },
];

function verdicts(text: string, threshold?: number): Array<[string, boolean]> {
  return checkGrounding(text, PASSAGES, threshold === undefined ? {} : { threshold })
    .sentences.filter((s) => s.factual)
    .map((s) => [s.text, s.supported]);
}

describe('isFactual', () => {
  it.each([
    'Refunds take 5 days.',
    'Express delivery costs $9.99.',
    'Returns are free within thirty days.',
    'We accept PayPal and Visa.',
    'Orders ship on weekdays.',
  ])('treats %j as a claim', (s) => expect(isFactual(s)).toBe(true));

  it.each([
    'Thanks for reaching out!',
    "I'm sorry to hear your parcel is late.",
    'Could you share your order number?',
    'How long has it been since you ordered, 5 days?',
    '[passage:art-01#p1]',
  ])('does not treat %j as a claim', (s) => expect(isFactual(s)).toBe(false));
});

describe('checkGrounding', () => {
  it('supports sentences whose words and numbers come from a passage', () => {
    expect(
      verdicts('You can return your item within 30 days of delivery for a full refund. Express delivery costs $9.99.'),
    ).toEqual([
      ['You can return your item within 30 days of delivery for a full refund.', true],
      ['Express delivery costs $9.99.', true],
    ]);
  });

  it('flags a sentence with a number no passage contains', () => {
    const result = checkGrounding('Express delivery costs $4.99.', PASSAGES);
    expect(result.ungrounded).toHaveLength(1);
    expect(result.ungrounded[0]?.missingNumbers).toEqual(['4.99']);
  });

  it('flags a claim about something the passages do not mention', () => {
    expect(verdicts('All items come with a lifetime warranty.')).toEqual([['All items come with a lifetime warranty.', false]]);
  });

  it('accepts number words for digits and different dash styles', () => {
    expect(verdicts('Refunds are issued to the original payment method within 5-7 business days.')).toEqual([
      ['Refunds are issued to the original payment method within 5-7 business days.', true],
    ]);
    expect(verdicts('You can return items within thirty days of delivery.')).toEqual([
      ['You can return items within thirty days of delivery.', true],
    ]);
  });

  it('ignores citation markers, PII tokens and the customer\'s order number', () => {
    const text = 'Your order NW-10482 can be returned within 30 days of delivery for a full refund [passage:art-01#p1]. We will also send a 10% discount code to [EMAIL_1].';
    const result = checkGrounding(text, PASSAGES);
    expect(result.ungrounded.map((s) => s.text)).toEqual(['We will also send a 10% discount code to [EMAIL_1].']);
    expect(result.sentences[0]?.supported).toBe(true);
    expect(result.sentences[0]?.passageId).toBe('art-01#p1');
  });

  it('leaves questions and pleasantries alone', () => {
    const result = checkGrounding('Hi Jane! Could you tell me your order number?', PASSAGES);
    expect(result.sentences.every((s) => !s.factual && s.supported)).toBe(true);
    expect(result.nothingGrounded).toBe(false);
  });

  it('reports when no factual sentence is supported', () => {
    const result = checkGrounding('Thanks! Refunds take 90 days. Shipping costs $25.', PASSAGES);
    expect(result.ungrounded).toHaveLength(2);
    expect(result.nothingGrounded).toBe(true);
  });

  it('treats every claim as ungrounded without passages', () => {
    const result = checkGrounding('Express delivery costs $9.99.', []);
    expect(result.nothingGrounded).toBe(true);
  });

  it('makes the threshold decide borderline paraphrases', () => {
    const text = 'Refunds reach your bank within 5-7 business days after the return arrives.';
    expect(verdicts(text, 0.9)).toEqual([[text, false]]);
    expect(verdicts(text, 0.3)).toEqual([[text, true]]);
  });

  it('gives exact offsets for ungrounded sentences', () => {
    const text = 'Returns are free within 30 days. Gift cards never expire.';
    const [bad] = checkGrounding(text, PASSAGES).ungrounded;
    expect(bad && text.slice(bad.start, bad.end)).toBe('Gift cards never expire.');
  });
});

describe('token helpers', () => {
  it('normalises numbers', () => {
    expect(extractNumbers('$1,000.00 or 4,99 € in 05 days, five days')).toEqual(['1000', '4.99', '5', '5']);
  });

  it('drops identifiers from claim numbers', () => {
    expect(claimNumbers('order 12345, invoice INV-2024-0042, #998877, NW-10482 costs $5')).toEqual(['5']);
  });

  it('removes stop words and stems lightly', () => {
    expect([...contentTokens('Your refunds are processed in the shipping queue')].sort()).toEqual(['process', 'queue', 'refund', 'shipp'].sort());
  });
});
