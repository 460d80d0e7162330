import type { Passage } from '@supportmesh/contracts';
import type { KbPassage } from '../kb/articles.js';
import { Bm25Index, type Bm25Options, type ScoredPassage } from './bm25-index.js';

/** Text embeddings (e.g. the llm-client's `embed`); vectors of equal length, one per text. */
export interface Embedder {
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
}

export interface RetrieverOptions extends Bm25Options {
  /** At most this many passages from one article in an answer. @default 2 */
  maxPerArticle?: number;
  /** Turns on hybrid retrieval (BM25 + embeddings, reciprocal-rank fusion). */
  embedder?: Embedder | undefined;
  /** Passages per embedding request when indexing. @default 32 */
  embedBatchSize?: number;
  /** After a failed embedding index build, wait this long before trying again. @default 60_000 */
  embedRetryMs?: number;
  clock?: { now(): number };
  /** Told (without any text) when the embedding path fails and BM25 answers alone. */
  onEmbeddingFailure?: (err: unknown, phase: 'index' | 'query') => void;
}

export interface RetrieveQuery {
  query: string;
  intent?: string | undefined;
  topK?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface Retriever {
  retrieve(q: RetrieveQuery): Promise<Passage[]>;
  /** Builds the embedding index now (hybrid mode); resolves false when it failed or is off. */
  warmUp(signal?: AbortSignal): Promise<boolean>;
  readonly mode: 'bm25' | 'hybrid';
  readonly stats: { articles: number; passages: number; embeddingsReady: boolean };
}

/** Reciprocal-rank-fusion constant (Cormack et al. 2009). */
const RRF_K = 60;
const CANDIDATES = 50;

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/**
 * Retrieval over help-center passages. BM25 by default; with an `embedder`, hybrid: the BM25 and the cosine
 * rankings are fused by reciprocal rank (plus the intent boost), falling back to BM25 alone whenever the
 * embeddings are not available. When a query matches nothing but the intent is known, the first paragraph of
 * each article tagged with that intent is returned with a token score, so the answer can still be grounded.
 */
export function createRetriever(passages: readonly KbPassage[], options: RetrieverOptions = {}): Retriever {
  const index = new Bm25Index(passages, options);
  const maxPerArticle = options.maxPerArticle ?? 2;
  const intentBoost = options.intentBoost ?? 1;
  const clock = options.clock ?? Date;
  const embedder = options.embedder;
  let vectors: number[][] | undefined;
  let building: Promise<boolean> | undefined;
  let lastFailureAt = Number.NEGATIVE_INFINITY;

  async function buildEmbeddings(signal?: AbortSignal): Promise<boolean> {
    if (!embedder) return false;
    if (vectors) return true;
    if (clock.now() - lastFailureAt < (options.embedRetryMs ?? 60_000)) return false;
    building ??= (async () => {
      try {
        const batch = options.embedBatchSize ?? 32;
        const out: number[][] = [];
        for (let i = 0; i < passages.length; i += batch) {
          const slice = passages.slice(i, i + batch).map((p) => `${p.title}\n${p.text}`);
          const embedded = await embedder.embed(slice, signal ? { signal } : {});
          if (embedded.length !== slice.length) throw new RangeError('embedder returned a different number of vectors');
          out.push(...embedded);
        }
        vectors = out;
        return true;
      } catch (err) {
        lastFailureAt = clock.now();
        options.onEmbeddingFailure?.(err, 'index');
        return false;
      } finally {
        building = undefined;
      }
    })();
    return building;
  }

  async function hybrid(q: RetrieveQuery, lexical: ScoredPassage[]): Promise<ScoredPassage[]> {
    if (!embedder || !(await buildEmbeddings(q.signal)) || !vectors) return lexical;
    let queryVector: number[] | undefined;
    try {
      queryVector = (await embedder.embed([q.query], q.signal ? { signal: q.signal } : {}))[0];
    } catch (err) {
      options.onEmbeddingFailure?.(err, 'query');
      return lexical;
    }
    if (!queryVector) return lexical;
    const all = vectors;
    const semantic = passages
      .map((passage, i) => ({ passage, score: cosine(queryVector, all[i] as number[]) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, CANDIDATES);
    const fused = new Map<string, ScoredPassage>();
    const addRanks = (list: readonly ScoredPassage[]): void =>
      list.forEach(({ passage }, rank) => {
        const prev = fused.get(passage.id);
        fused.set(passage.id, { passage, score: (prev?.score ?? 0) + 1 / (RRF_K + rank + 1) });
      });
    addRanks(lexical);
    addRanks(semantic);
    return [...fused.values()]
      .map((s) => ({ ...s, score: q.intent && s.passage.intents.includes(q.intent) ? s.score * (1 + intentBoost) : s.score }))
      .sort((a, b) => b.score - a.score);
  }

  function intentFallback(intent: string | undefined): ScoredPassage[] {
    if (!intent) return [];
    return passages.filter((p) => p.id.endsWith('#p1') && p.intents.includes(intent)).map((passage) => ({ passage, score: 0.001 }));
  }

  return {
    mode: embedder ? 'hybrid' : 'bm25',
    get stats() {
      return { articles: new Set(passages.map((p) => p.articleId)).size, passages: passages.length, embeddingsReady: vectors !== undefined };
    },
    warmUp: (signal) => buildEmbeddings(signal),
    async retrieve(q) {
      const topK = q.topK ?? 4;
      const lexical = index.query(q.query, { intent: q.intent, limit: CANDIDATES });
      let ranked = embedder ? await hybrid(q, lexical) : lexical;
      if (ranked.length === 0) ranked = intentFallback(q.intent);
      const perArticle = new Map<string, number>();
      const out: Passage[] = [];
      for (const { passage, score } of ranked) {
        const n = perArticle.get(passage.articleId) ?? 0;
        if (n >= maxPerArticle) continue;
        perArticle.set(passage.articleId, n + 1);
        out.push({ id: passage.id, title: passage.title, text: passage.text, score: round(score), url: passage.url });
        if (out.length >= topK) break;
      }
      return out;
    },
  };
}
