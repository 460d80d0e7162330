import { describe, expect, it } from 'vitest';
import { detectPii, resolveOverlaps } from './detect.js';
import type { PiiSpan } from './types.js';

/** Detected spans as `type:value` for readable assertions. */
function found(text: string): string[] {
  return detectPii(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('e-mail', () => {
  it('finds an address with exact offsets', () => {
    const text = 'Please write to jane.doe+shop@example.co.uk today';
    expect(detectPii(text)).toEqual([{ type: 'email', start: 16, end: 43 }]);
  });

  it('leaves a sentence-final dot outside the address', () => {
    expect(found('Mail me at bob@example.com.')).toEqual(['email:bob@example.com']);
  });

  it('finds several addresses', () => {
    expect(found('a@b.io, C.D@Example.ORG')).toEqual(['email:a@b.io', 'email:C.D@Example.ORG']);
  });

  it('ignores an @-handle and a bare domain', () => {
    expect(found('ping @northwind on example.com')).toEqual([]);
  });
});

describe('phone numbers', () => {
  it.each([
    ['UK international (E.164 with spaces)', 'Call me on +44 20 7946 0958 please', '+44 20 7946 0958'],
    ['US international with parentheses', 'my cell is +1 (415) 555-0132', '+1 (415) 555-0132'],
    ['US national with dashes', 'phone 415-555-0132 thanks', '415-555-0132'],
    ['US national with parentheses', 'reach me at (415) 555-0132', '(415) 555-0132'],
    ['US national with dots', 'it is 415.555.0132', '415.555.0132'],
    ['US toll-free with leading 1', 'dial 1-800-555-0199', '1-800-555-0199'],
    ['German with 00 prefix', 'ring 0049 30 1234567 tomorrow', '0049 30 1234567'],
    ['German international', 'Tel +49 30 1234567', '+49 30 1234567'],
    ['German with (0) trunk', 'Tel +49 (0)30 1234567', '+49 (0)30 1234567'],
    ['German national', 'Festnetz 030 1234567', '030 1234567'],
    ['German national with slash', 'Festnetz 089/12345678', '089/12345678'],
    ['French national pairs', 'appelez le 01 23 45 67 89', '01 23 45 67 89'],
    ['French international', 'ou +33 1 23 45 67 89', '+33 1 23 45 67 89'],
    ['UK national landline', 'home 020 7946 0958', '020 7946 0958'],
    ['UK mobile', 'mobile 07700 900123', '07700 900123'],
    ['compact E.164', 'whatsapp +442079460958', '+442079460958'],
    ['unseparated number after a phone cue', 'my number is 07700900123', '07700900123'],
  ])('finds %s', (_label, text, expected) => {
    expect(found(text)).toEqual([`phone:${expected}`]);
  });

  it('reports exact offsets', () => {
    const text = 'Hi, call +44 20 7946 0958.';
    expect(detectPii(text)).toEqual([{ type: 'phone', start: 9, end: 25 }]);
    expect(text.slice(9, 25)).toBe('+44 20 7946 0958');
  });

  it('does not swallow a neighbouring quantity', () => {
    expect(found('qty 3 415-555-0132')).toEqual(['phone:415-555-0132']);
  });

  it.each([
    ['fewer than 7 digits', 'room 12 34 56'],
    ['an ISO date', 'delivered on 2024-01-15'],
    ['a German date', 'bestellt am 15.01.2024'],
    ['a US date', 'ordered 01/15/2024'],
    ['an IP address', 'from 192.168.100.200'],
    ['an amount with thousands separators', 'I paid 1,234,567 points'],
    ['an amount with dots', 'price 1.234.567'],
    ['a row of years', 'years 2023 2024 2025'],
    ['an unseparated run without a phone cue', 'code 0123456789'],
    ['a digit run inside a word', 'ref ABC0301234567X'],
  ])('ignores %s', (_label, text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('payment cards', () => {
  it.each([
    ['Visa grouped by spaces', 'card 4111 1111 1111 1111 thanks', '4111 1111 1111 1111'],
    ['Visa grouped by dashes', '4111-1111-1111-1111', '4111-1111-1111-1111'],
    ['Mastercard unseparated', 'MC 5555555555554444', '5555555555554444'],
    ['Mastercard 2-series', 'card 2223003122003222', '2223003122003222'],
    ['Amex 4-6-5', 'amex 3782 822463 10005', '3782 822463 10005'],
    ['Amex unseparated', 'amex 378282246310005', '378282246310005'],
    ['Discover', 'discover 6011 1111 1111 1117', '6011 1111 1111 1117'],
    ['Diners 14 digits', 'diners 30569309025904', '30569309025904'],
    ['Visa 13 digits', 'old visa 4222222222222', '4222222222222'],
    ['Visa 19 digits (4-4-4-4-3)', 'visa 4111 1111 1111 1111 003', '4111 1111 1111 1111 003'],
  ])('finds %s', (_label, text, expected) => {
    const spans = found(text);
    expect(spans).toEqual([`payment_card:${expected}`]);
  });

  it('reports exact offsets', () => {
    expect(detectPii('pay with 4111 1111 1111 1111 now')).toEqual([{ type: 'payment_card', start: 9, end: 28 }]);
  });

  it('treats a Luhn-valid card as a card even after "order" (tokens are reversible)', () => {
    expect(found('my order number is 4111111111111111')).toEqual(['payment_card:4111111111111111']);
  });

  it.each([
    ['a non-Luhn 16-digit run', 'number 1234 5678 9012 3456'],
    ['a non-Luhn 16-digit order number', 'order 1234567812345678'],
    ['a non-Luhn 16-digit tracking number', 'tracking number 4111111111111112'],
    ['a Luhn-valid run with no card issuer prefix', 'ref 9999 9999 9999 9995'],
    ['a mixed separator run', '4111 1111-1111 1111'],
    ['more than 19 digits', 'id 41111111111111111111'],
  ])('ignores %s', (_label, text) => {
    expect(detectPii(text, { types: ['payment_card'] })).toEqual([]);
  });
});

describe('IBAN', () => {
  it('finds a spaced German IBAN with exact offsets', () => {
    const text = 'IBAN DE89 3704 0044 0532 0130 00 thanks';
    expect(detectPii(text)).toEqual([{ type: 'iban', start: 5, end: 32 }]);
  });

  it.each([
    ['unspaced', 'DE89370400440532013000'],
    ['lower case', 'gb82west12345698765432'],
    ['French with letters in the BBAN', 'FR14 2004 1010 0505 0001 3M02 606'],
    ['Dutch', 'NL91 ABNA 0417 1643 00'],
    ['Norwegian (15 chars)', 'NO93 8601 1117 947'],
  ])('finds an IBAN written %s', (_label, iban) => {
    expect(found(`account: ${iban}.`)).toEqual([`iban:${iban}`]);
  });

  it('finds two IBANs in one message', () => {
    expect(found('from DE89370400440532013000 to GB82WEST12345698765432')).toEqual([
      'iban:DE89370400440532013000',
      'iban:GB82WEST12345698765432',
    ]);
  });

  it('ignores a wrong checksum', () => expect(found('IBAN DE89 3704 0044 0532 0130 01')).toEqual([]));
  it('ignores a run that continues past the country length', () => expect(found('DE8937040044053201300012')).toEqual([]));
  it('ignores an unknown country', () => expect(found('XX89370400440532013000')).toEqual([]));
});

describe('US SSN', () => {
  it('finds AAA-GG-SSSS with exact offsets', () => {
    expect(detectPii('my ssn is 123-45-6789')).toEqual([{ type: 'ssn', start: 10, end: 21 }]);
  });

  it('finds the dashed form without a cue', () => expect(found('it is 078-05-1120')).toEqual(['ssn:078-05-1120']));

  it('finds spaced and unseparated forms only after an SSN cue', () => {
    expect(found('social security number 123 45 6789')).toEqual(['ssn:123 45 6789']);
    expect(found('SSN: 123456789')).toEqual(['ssn:123456789']);
    expect(found('reference 123 45 6789')).toEqual([]);
  });

  it.each(['000-12-3456', '666-12-3456', '900-12-3456', '999-12-3456', '123-00-4567', '123-45-0000'])(
    'ignores the invalid range %s',
    (ssn) => expect(found(`ssn ${ssn}`)).toEqual([]),
  );
});

describe('shop identifiers are not PII', () => {
  it.each([
    'where is my order 12345?',
    'order #12345678 has not arrived',
    '#12345678',
    'my order NW-10482 is late',
    'invoice INV-2024-0042 is wrong',
    'tracking 1Z999AA10123456784',
    'tracking 9400111899223197428490',
    'tracking number 9400 1118 9922 3197 4284 90',
    'order no. 030 1234567 was cancelled',
    'order 1234567812345678',
    'tracking: 4111111111111112',
    'ticket 415-555-0132',
    'Order NW-10482 placed 12.03.2024 for 49.99',
  ])('%s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('mixed messages and overlaps', () => {
  it('finds every type in one message, in order', () => {
    const text =
      'Jane (jane@x.io), phone +1 415 555 0132, card 5555555555554444, IBAN FR14 2004 1010 0505 0001 3M02 606, SSN 078-05-1120, order 12345.';
    expect(found(text)).toEqual([
      'email:jane@x.io',
      'phone:+1 415 555 0132',
      'payment_card:5555555555554444',
      'iban:FR14 2004 1010 0505 0001 3M02 606',
      'ssn:078-05-1120',
    ]);
  });

  it('keeps an IBAN whole rather than a card-shaped run inside it', () => {
    expect(found('DE89 3704 0044 0532 0130 00')).toEqual(['iban:DE89 3704 0044 0532 0130 00']);
  });

  it('lets the longest span win, then the more specific type', () => {
    const spans: PiiSpan[] = [
      { type: 'phone', start: 0, end: 10 },
      { type: 'payment_card', start: 2, end: 20 },
      { type: 'ssn', start: 25, end: 36 },
      { type: 'phone', start: 25, end: 36 },
    ];
    expect(resolveOverlaps(spans)).toEqual([
      { type: 'payment_card', start: 2, end: 20 },
      { type: 'ssn', start: 25, end: 36 },
    ]);
  });

  it('can restrict detection to some types', () => {
    expect(detectPii('a@b.io 415-555-0132', { types: ['email'] })).toEqual([{ type: 'email', start: 0, end: 6 }]);
  });

  it('finds nothing in a plain question', () => {
    expect(detectPii('How long does standard delivery take to Germany?')).toEqual([]);
  });
});
