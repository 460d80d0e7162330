/**
 * Pronunciation dictionary for the domain language model: every word of the corpus with its CMUdict
 * pronunciations (ARPAbet, as `pocketsphinx -dict` reads them). Words CMUdict lacks get one from a fallback:
 * a split into two dictionary words (`northwind` → `north` + `wind`), else eSpeak NG's IPA mapped to ARPAbet.
 */

export type Lexicon = ReadonlyMap<string, readonly string[]>;

/** Parses CMUdict text (`word PH ON ES`, variants as `word(2) …`) into word → pronunciations. */
export function parseCmudict(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';;;')) continue;
    const space = trimmed.search(/\s/);
    if (space <= 0) continue;
    const word = trimmed.slice(0, space).replace(/\(\d+\)$/, '');
    const phones = trimmed.slice(space).replace(/#.*$/, '').trim().split(/\s+/).join(' ');
    if (phones === '') continue;
    const list = out.get(word);
    if (list) list.push(phones);
    else out.set(word, [phones]);
  }
  return out;
}

/** ARPAbet for two dictionary words that make up `word` (each combination of their first two variants). */
export function compoundPronunciations(word: string, dict: Lexicon): string[] {
  for (let i = 2; i <= word.length - 2; i++) {
    const heads = dict.get(word.slice(0, i))?.slice(0, 2) ?? [];
    const tails = dict.get(word.slice(i))?.slice(0, 2) ?? [];
    if (heads.length > 0 && tails.length > 0) return heads.flatMap((h) => tails.map((t) => `${h} ${t}`));
  }
  return [];
}

/** IPA symbols (as eSpeak NG writes American English) → ARPAbet phones; longest match first. */
const IPA_TO_ARPABET: ReadonlyArray<readonly [string, string]> = (
  [
    ['aɪə', 'AY ER'],
    ['aɪ', 'AY'],
    ['aʊ', 'AW'],
    ['eɪ', 'EY'],
    ['oʊ', 'OW'],
    ['əʊ', 'OW'],
    ['ɔɪ', 'OY'],
    ['tʃ', 'CH'],
    ['dʒ', 'JH'],
    ['ɑːɹ', 'AA R'],
    ['ɔːɹ', 'AO R'],
    ['ɛɹ', 'EH R'],
    ['ɪɹ', 'IH R'],
    ['ʊɹ', 'UH R'],
    ['ɜː', 'ER'],
    ['ɝ', 'ER'],
    ['ɚ', 'ER'],
    ['ɑː', 'AA'],
    ['ɑ', 'AA'],
    ['ɒ', 'AA'],
    ['ɔː', 'AO'],
    ['ɔ', 'AO'],
    ['æ', 'AE'],
    ['ʌ', 'AH'],
    ['ə', 'AH'],
    ['ɐ', 'AH'],
    ['ɛ', 'EH'],
    ['e', 'EH'],
    ['ɪ', 'IH'],
    ['ᵻ', 'IH'],
    ['iː', 'IY'],
    ['i', 'IY'],
    ['ʊ', 'UH'],
    ['uː', 'UW'],
    ['u', 'UW'],
    ['a', 'AA'],
    ['o', 'OW'],
    ['p', 'P'],
    ['b', 'B'],
    ['t', 'T'],
    ['d', 'D'],
    ['ɾ', 'T'],
    ['k', 'K'],
    ['ɡ', 'G'],
    ['g', 'G'],
    ['f', 'F'],
    ['v', 'V'],
    ['θ', 'TH'],
    ['ð', 'DH'],
    ['s', 'S'],
    ['z', 'Z'],
    ['ʃ', 'SH'],
    ['ʒ', 'ZH'],
    ['h', 'HH'],
    ['m', 'M'],
    ['n', 'N'],
    ['ŋ', 'NG'],
    ['l', 'L'],
    ['ɫ', 'L'],
    ['ɹ', 'R'],
    ['r', 'R'],
    ['j', 'Y'],
    ['w', 'W'],
  ] as const
)
  .slice()
  .sort((a, b) => b[0].length - a[0].length);

/** ARPAbet for an IPA transcription (eSpeak NG `--ipa`); unknown symbols are skipped. */
export function ipaToArpabet(ipa: string): string {
  const phones: string[] = [];
  let i = 0;
  const text = ipa.normalize('NFC').replace(/\s+/g, '');
  while (i < text.length) {
    const match = IPA_TO_ARPABET.find(([symbol]) => text.startsWith(symbol, i));
    if (match) {
      phones.push(match[1]);
      i += match[0].length;
      continue;
    }
    // stress and length marks, syllable breaks, glottal stops, unmapped symbols: no phone
    i += 1;
  }
  return phones.join(' ');
}

export interface LexiconEntry {
  readonly word: string;
  readonly pronunciations: readonly string[];
  readonly source: 'cmudict' | 'compound' | 'espeak';
}

/**
 * Pronunciations for `words`: CMUdict first, then a compound split, then `ipaOf(word)` (eSpeak NG) mapped to
 * ARPAbet. Throws when a word gets none (the model would otherwise hold a word the decoder cannot say).
 */
export async function buildLexicon(
  words: Iterable<string>,
  cmudict: Lexicon,
  ipaOf?: (word: string) => Promise<string>,
): Promise<LexiconEntry[]> {
  const out: LexiconEntry[] = [];
  for (const word of [...new Set(words)].sort()) {
    const known = cmudict.get(word);
    if (known && known.length > 0) {
      out.push({ word, pronunciations: known, source: 'cmudict' });
      continue;
    }
    const compound = compoundPronunciations(word, cmudict);
    if (compound.length > 0) {
      out.push({ word, pronunciations: compound, source: 'compound' });
      continue;
    }
    const phones = ipaOf ? ipaToArpabet(await ipaOf(word)) : '';
    if (phones === '') throw new Error(`no pronunciation for "${word}" (not in CMUdict, no compound split, no eSpeak NG IPA)`);
    out.push({ word, pronunciations: [phones], source: 'espeak' });
  }
  return out;
}

/** The entries in Sphinx dictionary format (`word PH ON ES`, `word(2) …`). */
export function toSphinxDict(entries: readonly LexiconEntry[]): string {
  const lines: string[] = [];
  for (const { word, pronunciations } of entries) {
    pronunciations.forEach((phones, i) => lines.push(i === 0 ? `${word} ${phones}` : `${word}(${i + 1}) ${phones}`));
  }
  return `${lines.join('\n')}\n`;
}
