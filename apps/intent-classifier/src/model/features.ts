import { normalizeText, tokenize } from './normalize.js';

/** Sparse feature vector: feature name → weight. */
export type FeatureVector = Map<string, number>;

export interface FeatureOptions {
  /** Character n-gram lengths inside word boundaries (`char_wb`); they make the model robust to typos. */
  charNgrams: readonly number[];
  wordBigrams: boolean;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { charNgrams: [3, 4, 5], wordBigrams: true };

const PLACEHOLDER_WORDS = new Set(['xemailx', 'xinvoicex', 'xtrackingx', 'xamountx', 'xorderx', 'xnumx']);
const isPlaceholder = (w: string): boolean => PLACEHOLDER_WORDS.has(w);

/**
 * Word unigrams (`w:`), word bigrams (`b:`, with sentence boundaries) and character n-grams of each padded
 * word (`c:`), counted, sublinear-scaled (1 + ln tf) and L2-normalised.
 */
export function extractFeatures(text: string, opts: FeatureOptions = DEFAULT_FEATURE_OPTIONS): FeatureVector {
  const words = tokenize(normalizeText(text));
  const counts: FeatureVector = new Map();
  const add = (f: string): void => {
    counts.set(f, (counts.get(f) ?? 0) + 1);
  };
  if (words.length === 0) {
    counts.set('empty', 1);
    return counts;
  }
  for (const w of words) {
    add(`w:${w}`);
    if (isPlaceholder(w)) continue;
    const padded = ` ${w} `;
    for (const n of opts.charNgrams) {
      for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`);
    }
  }
  if (opts.wordBigrams) {
    const seq = ['<s>', ...words, '</s>'];
    for (let i = 0; i + 1 < seq.length; i++) add(`b:${seq[i]} ${seq[i + 1]}`);
  }
  let norm = 0;
  for (const [f, c] of counts) {
    const v = 1 + Math.log(c);
    counts.set(f, v);
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  for (const [f, v] of counts) counts.set(f, v / norm);
  return counts;
}
