import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOMAIN_DICT_PATH, DOMAIN_LM_PATH } from '../paths.js';
import { normalizeWords } from './normalize.js';
import { BOS, EOS, estimateModel, perplexity, probability, toArpa } from './arpa.js';
import { buildCorpus } from './corpus.js';
import { buildLexicon, compoundPronunciations, ipaToArpabet, parseCmudict, toSphinxDict } from './lexicon.js';
import { WER_SENTENCES } from '../wer/sentences.js';

const TOY = [
  ['i', 'want', 'a', 'refund'],
  ['i', 'want', 'my', 'refund'],
  ['where', 'is', 'my', 'refund'],
  ['where', 'is', 'my', 'order'],
  ['cancel', 'my', 'order'],
];

describe('normalizing text for the language model and scoring', () => {
  it('lower-cases, spells digits, keeps word apostrophes and drops punctuation', () => {
    expect(normalizeWords("Hi! I can't find order #4512 & it's late.")).toEqual(['hi', 'i', "can't", 'find', 'order', 'four', 'five', 'one', 'two', 'and', "it's", 'late']);
  });
});

describe('the Witten-Bell back-off model', () => {
  const model = estimateModel(TOY, 3);
  const vocabulary = [...new Set([...TOY.flat(), EOS])];

  it.each([[[BOS]], [[BOS, 'i']], [['is', 'my']], [['my']], [['unseen', 'history']]])('is a distribution: P(w | %j) sums to 1 over the vocabulary', (context) => {
    const total = vocabulary.reduce((sum, w) => sum + probability(model, context, w), 0);
    expect(total).toBeCloseTo(1, 6);
  });

  it('prefers seen continuations and still gives unseen ones some probability', () => {
    expect(probability(model, [BOS, 'where'], 'is')).toBeGreaterThan(0.5);
    const unseen = probability(model, ['cancel', 'my'], 'refund');
    expect(unseen).toBeGreaterThan(0);
    expect(unseen).toBeLessThan(probability(model, ['cancel', 'my'], 'order'));
  });

  it('gives training sentences a lower perplexity than scrambled ones', () => {
    const scrambled = TOY.map((s) => [...s].reverse());
    expect(perplexity(model, TOY)).toBeLessThan(perplexity(model, scrambled));
  });

  it('writes ARPA with matching counts, <s> never predicted, and every n-gram prefix present', () => {
    const arpa = toArpa(model);
    const sections = arpa.split(/\n\\\d-grams:\n/).slice(1).map((s) => s.split('\n\n')[0]?.split('\n').filter(Boolean) ?? []);
    for (const [i, lines] of sections.entries()) expect(arpa).toContain(`ngram ${i + 1}=${lines.length}`);
    expect(arpa).toMatch(/^-99\.000000\t<s>\t-?\d/m);
    const bigrams = new Set((sections[1] ?? []).map((l) => l.split('\t')[1]));
    for (const line of sections[2] ?? []) {
      const words = (line.split('\t')[1] ?? '').split(' ');
      expect(bigrams.has(words.slice(0, 2).join(' '))).toBe(true);
    }
    expect(arpa.trimEnd().endsWith('\\end\\')).toBe(true);
  });
});

describe('pronunciations', () => {
  const dict = parseCmudict(['north N AO R TH', 'wind W AY N D', 'wind(2) W IH N D', 'order AO R D ER', ";;; comment"].join('\n'));

  it('reads CMUdict variants and splits compounds into dictionary words', () => {
    expect(dict.get('wind')).toEqual(['W AY N D', 'W IH N D']);
    expect(compoundPronunciations('northwind', dict)).toEqual(['N AO R TH W AY N D', 'N AO R TH W IH N D']);
  });

  it("maps eSpeak NG's IPA to ARPAbet", () => {
    expect(ipaToArpabet('nˈɔːɹθwɪnd')).toBe('N AO R TH W IH N D');
    expect(ipaToArpabet('pˈeɪpæl')).toBe('P EY P AE L');
  });

  it('uses the IPA fallback last and refuses a word nothing can pronounce', async () => {
    const entries = await buildLexicon(['order', 'northwind', 'zork'], dict, (w) => Promise.resolve(w === 'zork' ? 'zˈɔːɹk' : ''));
    expect(entries.map((e) => [e.word, e.source])).toEqual([
      ['northwind', 'compound'],
      ['order', 'cmudict'],
      ['zork', 'espeak'],
    ]);
    expect(toSphinxDict(entries)).toContain('northwind(2) N AO R TH W IH N D');
    await expect(buildLexicon(['qqq'], dict)).rejects.toThrow(/no pronunciation for "qqq"/);
  });
});

describe('the bundled Northwind model (models/)', () => {
  const arpa = readFileSync(DOMAIN_LM_PATH, 'utf8');
  const dictWords = new Set(readFileSync(DOMAIN_DICT_PATH, 'utf8').split('\n').map((l) => l.split(' ')[0]?.replace(/\(\d+\)$/, '')).filter(Boolean));
  const lmWords = arpa.split('\\2-grams:')[0]?.split('\n').map((l) => l.split('\t')[1]).filter((w): w is string => Boolean(w) && w !== BOS && w !== EOS) ?? [];

  it('is up to date with the corpus (regenerate with src/scripts/build-lm.ts)', () => {
    expect(new Set(lmWords)).toEqual(new Set(buildCorpus().flatMap(normalizeWords)));
  });

  it('has a pronunciation for every word of the language model', () => {
    expect(lmWords.filter((w) => !dictWords.has(w))).toEqual([]);
  });

  it('holds out the WER sentences', () => {
    const corpus = new Set(buildCorpus().map((s) => normalizeWords(s).join(' ')));
    expect(WER_SENTENCES.filter((s) => corpus.has(normalizeWords(s).join(' ')))).toEqual([]);
    expect(WER_SENTENCES.length).toBeGreaterThanOrEqual(30);
  });
});
