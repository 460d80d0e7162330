import { fnv1a, words } from './text.js';

export const DEFAULT_EMBEDDING_DIMENSIONS = 256;

/**
 * Deterministic local embedding: hashed character trigrams plus (double-weighted) word unigrams,
 * signed feature hashing into `dimensions` buckets, L2-normalised. Similar texts → high cosine.
 */
export function embed(text: string, dimensions = DEFAULT_EMBEDDING_DIMENSIONS): Float32Array {
  const vector = new Float32Array(dimensions);
  const ws = words(text);
  const add = (feature: string, weight: number): void => {
    const h = fnv1a(feature);
    vector[h % dimensions] = (vector[h % dimensions] ?? 0) + ((h & 0x80000000) !== 0 ? -weight : weight);
  };
  for (const w of ws) add(`w:${w}`, 2);
  const flat = ` ${ws.join(' ')} `;
  for (let i = 0; i + 3 <= flat.length; i++) add(flat.slice(i, i + 3), 1);
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

/** Little-endian float32 bytes in base64 (what `encoding_format: 'base64'` returns; the openai SDK asks for it). */
export function toBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
