import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.js';

function texts(text: string): string[] {
  return splitSentences(text).map((s) => s.text);
}

describe('splitSentences', () => {
  it('splits on . ! ? and keeps exact offsets', () => {
    const text = 'Hello there! Refunds take 5 days. Anything else?';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual(['Hello there!', 'Refunds take 5 days.', 'Anything else?']);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('does not split decimals, abbreviations or initials', () => {
    expect(texts('Express costs $9.99, e.g. for U.S. orders. Ask J. Smith approx. today.')).toEqual([
      'Express costs $9.99, e.g. for U.S. orders.',
      'Ask J. Smith approx. today.',
    ]);
  });

  it('treats line breaks and list items as boundaries', () => {
    expect(texts('Options:\n- Standard 3-5 days\n- Express next day')).toEqual(['Options:', '- Standard 3-5 days', '- Express next day']);
  });

  it('keeps a citation marker after the full stop with the sentence before', () => {
    expect(texts('Returns are free. [passage:art-01#p1] Anything else?')).toEqual([
      'Returns are free. [passage:art-01#p1]',
      'Anything else?',
    ]);
  });

  it('keeps a citation marker before the full stop inside the sentence', () => {
    expect(texts('Returns are free [passage:art-01#p1]. Bye.')).toEqual(['Returns are free [passage:art-01#p1].', 'Bye.']);
  });

  it('returns nothing for blank text', () => expect(splitSentences('  \n ')).toEqual([]));
});
