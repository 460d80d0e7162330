import { describe, expect, it } from 'vitest';
import { detectPii } from './detect.js';
import { applyEdits, canonicalPii, createTokenAssigner, detokenizeText, redactSpans, tokenizeSpans } from './transform.js';

describe('tokenisation', () => {
  it('replaces each value by a typed, numbered token and reverses it', () => {
    const text = 'I am jane@x.io, call +44 20 7946 0958 or pay 4111 1111 1111 1111.';
    const { assign, mapping } = createTokenAssigner();
    const tokenised = tokenizeSpans(text, detectPii(text), assign);
    expect(tokenised).toBe('I am [EMAIL_1], call [PHONE_1] or pay [CARD_1].');
    expect(detokenizeText(tokenised, mapping())).toBe(text);
  });

  it('gives the same value the same token and a new value the next number', () => {
    const text = 'a@b.io, A@B.io and c@d.io';
    const { assign } = createTokenAssigner();
    expect(tokenizeSpans(text, detectPii(text), assign)).toBe('[EMAIL_1], [EMAIL_1] and [EMAIL_2]');
  });

  it('continues numbering from an existing mapping and reuses its tokens', () => {
    const { assign } = createTokenAssigner({ '[EMAIL_1]': 'a@b.io', '[EMAIL_2]': 'x@y.io' });
    expect(assign('email', 'a@b.io')).toBe('[EMAIL_1]');
    expect(assign('email', 'new@b.io')).toBe('[EMAIL_3]');
    expect(assign('iban', 'DE89370400440532013000')).toBe('[IBAN_1]');
  });

  it('treats differently formatted phone numbers as one value', () => {
    expect(canonicalPii('phone', '+44 20 7946 0958')).toBe(canonicalPii('phone', '+442079460958'));
    expect(canonicalPii('iban', 'de89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
  });

  it('leaves unknown tokens as they are when detokenising', () => {
    expect(detokenizeText('mail [EMAIL_1] or [PHONE_9]', { '[EMAIL_1]': 'a@b.io' })).toBe('mail a@b.io or [PHONE_9]');
  });

  it('does not touch look-alike brackets', () => {
    expect(detokenizeText('[EMAIL_X] [email_1] [EMAIL_1', { '[EMAIL_1]': 'a@b.io' })).toBe('[EMAIL_X] [email_1] [EMAIL_1');
  });
});

describe('redaction and edits', () => {
  it('replaces spans by [redacted]', () => {
    const text = 'SSN 123-45-6789, mail a@b.io';
    expect(redactSpans(text, detectPii(text))).toBe('SSN [redacted], mail [redacted]');
  });

  it('applies edits in order and drops one that overlaps an earlier edit', () => {
    expect(
      applyEdits('abcdefghij', [
        { start: 6, end: 8, replacement: 'Y' },
        { start: 1, end: 4, replacement: 'X' },
        { start: 2, end: 5, replacement: 'Z' },
      ]),
    ).toBe('aXefYij');
  });
});
