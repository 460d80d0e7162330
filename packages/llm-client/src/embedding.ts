export interface HashedEmbeddingOptions {
  /** Vector length. @default 512 */
  readonly dims?: number;
  /** Character n-gram sizes. @default [3, 4, 5] */
  readonly ngrams?: readonly number[];
  /** Weight of whole-word features relative to character n-grams. @default 1 */
  readonly wordWeight?: number;
}

/** 32-bit FNV-1a. */
function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Lower-cases, folds accents and apostrophes, keeps letters/digits, collapses whitespace. */
export function normalizeForEmbedding(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * A local, deterministic text embedding for when no embeddings deployment is configured: signed feature hashing of
 * character n-grams (within word boundaries padded by spaces) plus whole words, L2-normalised. Paraphrases that share
 * most of their words score high under cosine similarity; unrelated texts score near 0. Pure function, no I/O.
 */
export function hashedNgramEmbedding(text: string, options: HashedEmbeddingOptions = {}): number[] {
  const dims = options.dims ?? 512;
  const ngrams = options.ngrams ?? [3, 4, 5];
  const wordWeight = options.wordWeight ?? 1;
  const v = new Float64Array(dims);
  const normalized = normalizeForEmbedding(text);
  if (normalized === '') return Array.from(v);
  const add = (feature: string, weight: number): void => {
    const h = fnv1a(feature);
    const index = h % dims;
    const sign = (fnv1a(feature, 0x9747b28c) & 1) === 0 ? 1 : -1;
    v[index] = (v[index] ?? 0) + sign * weight;
  };
  for (const word of normalized.split(' ')) {
    add(`w:${word}`, wordWeight);
    const padded = ` ${word} `;
    for (const n of ngrams) {
      if (padded.length < n) continue;
      for (let i = 0; i + n <= padded.length; i++) add(`c${n}:${padded.slice(i, i + n)}`, 1 / ngrams.length);
    }
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return Array.from(v, (x) => (norm === 0 ? 0 : x / norm));
}

/** Cosine similarity of two vectors of equal length (0 when either is all zeros). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
