import MiniSearch, { type SearchResult } from 'minisearch';
import type { KbPassage } from '../kb/articles.js';
import { processTerm } from './text.js';

export interface Bm25Options {
  /** Weight of a title match relative to a text match. @default 2 */
  titleBoost?: number;
  /** Extra score factor for passages whose article lists the request's intent: score × (1 + boost). @default 1 */
  intentBoost?: number;
  /** Relative edit distance allowed for typos (rounded; so 1 edit from 4 characters, 2 from 8). @default 0.2 */
  fuzzy?: number;
}

export interface ScoredPassage {
  passage: KbPassage;
  score: number;
}

interface IndexedFields {
  id: string;
  title: string;
  text: string;
}

/**
 * BM25 (minisearch) over paragraph passages: fields `title` (boosted) and `text`, stop words removed and light
 * stemming on both sides, prefix and fuzzy matching (typos) for terms of 4+ characters, any
 * term may match (OR). An intent multiplies the score of passages from articles tagged with it.
 */
export class Bm25Index {
  private readonly search: MiniSearch<IndexedFields>;
  private readonly byId: Map<string, KbPassage>;
  private readonly titleBoost: number;
  private readonly intentBoost: number;
  private readonly fuzzy: number;

  constructor(passages: readonly KbPassage[], options: Bm25Options = {}) {
    this.titleBoost = options.titleBoost ?? 2;
    this.intentBoost = options.intentBoost ?? 1;
    this.fuzzy = options.fuzzy ?? 0.2;
    this.byId = new Map(passages.map((p) => [p.id, p]));
    this.search = new MiniSearch<IndexedFields>({
      fields: ['title', 'text'],
      idField: 'id',
      processTerm,
    });
    this.search.addAll(passages.map((p) => ({ id: p.id, title: p.title, text: p.text })));
  }

  get size(): number {
    return this.byId.size;
  }

  query(query: string, { intent, limit = 50 }: { intent?: string | undefined; limit?: number } = {}): ScoredPassage[] {
    const results: SearchResult[] = this.search.search(query, {
      boost: { title: this.titleBoost },
      prefix: (term) => term.length >= 4,
      fuzzy: (term) => (term.length >= 4 ? this.fuzzy : false),
      combineWith: 'OR',
      ...(intent
        ? { boostDocument: (id: unknown) => (this.byId.get(String(id))?.intents.includes(intent) ? 1 + this.intentBoost : 1) }
        : {}),
    });
    const out: ScoredPassage[] = [];
    for (const r of results) {
      const passage = this.byId.get(String(r.id));
      if (passage) out.push({ passage, score: r.score });
      if (out.length >= limit) break;
    }
    return out;
  }
}
