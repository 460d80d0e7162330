import { hashedNgramEmbedding } from '@supportmesh/llm-client';
import { describe, expect, it, vi } from 'vitest';
import { loadArticles, toPassages } from '../kb/articles.js';
import { createRetriever, type Embedder } from './retriever.js';
import { processTerm, stem } from './text.js';

const passages = toPassages(loadArticles());
const bm25 = createRetriever(passages);
const articleOf = (id: string | undefined): string | undefined => id?.split('#')[0];

/** The llm-client's local hashed n-gram embedding: a real, deterministic embedder with no network. */
const localEmbedder: Embedder = { embed: async (texts) => texts.map((t) => hashedNgramEmbedding(t)) };

// What customers type (typos included) and the article that answers it; an intent is given where the
// gateway would pass the classifier's answer.
const CASES: [query: string, expected: string, intent?: string][] = [
  ['where is my order 12345?', 'art-39'],
  ['how do i track my pakage', 'art-39'],
  ['wher is my oder NW-10482', 'art-39', 'track_order'],
  ['I want to cancel my order', 'art-37'],
  ['cancelation fee for the trailhead club', 'art-14'],
  ['how lnog does standard shiping take', 'art-20'],
  ['do you ship internationaly', 'art-22'],
  ['whats ur retrun policy', 'art-46'],
  ['when will i recieve my refnd', 'art-49'],
  ['forgot my pasword', 'art-06'],
  ['password reset link expired', 'art-06'],
  ['downlaod invoice', 'art-32'],
  ['invoice with company name and VAT number', 'art-33'],
  ['can i pay wiht klarna', 'art-42'],
  ['my payment was declned', 'art-44'],
  ['charged twice', 'art-45'],
  ['chnage shipping adress', 'art-51', 'change_shipping_address'],
  ['add a new adress to my account', 'art-53'],
  ['unsubscribe from the newsleter', 'art-56'],
  ['I want to talk to a real person', 'art-18'],
  ['customer service phone number', 'art-16'],
  ['delte my acount', 'art-10'],
  ['verfication email not arrived', 'art-03'],
  ['how to writte a review', 'art-28'],
  ['can i return worn boots', 'art-47'],
  ['change size of my order', 'art-38'],
  ['locked out too many attempts', 'art-07'],
];

describe('BM25 retrieval over the help center', () => {
  it.each(CASES)('answers %j with %s first', async (query, expected, intent) => {
    const [top] = await bm25.retrieve({ query, intent, topK: 4 });
    expect(articleOf(top?.id)).toBe(expected);
  });

  it('returns passages in the contract shape, best first, at most topK', async () => {
    const result = await bm25.retrieve({ query: 'refund', topK: 5 });
    expect(result).toHaveLength(5);
    for (const p of result) {
      expect(p.id).toMatch(/^art-\d\d#p\d+$/);
      expect(p.url).toBe(`https://help.northwind.example/articles/${articleOf(p.id)}`);
      expect(p.title.length).toBeGreaterThan(0);
      expect(p.text.length).toBeGreaterThan(0);
      expect(Number.isFinite(p.score)).toBe(true);
    }
    const scores = result.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('takes at most two passages from one article so an answer sees several sources', async () => {
    const result = await bm25.retrieve({ query: 'trailhead club membership cancel fee refund', topK: 6 });
    const perArticle = new Map<string, number>();
    for (const p of result) perArticle.set(articleOf(p.id) ?? '', (perArticle.get(articleOf(p.id) ?? '') ?? 0) + 1);
    expect(Math.max(...perArticle.values())).toBeLessThanOrEqual(2);
    expect(perArticle.size).toBeGreaterThanOrEqual(3);
  });

  it('lets the intent decide between articles that match the words equally', async () => {
    const asFee = await bm25.retrieve({ query: 'cancel', intent: 'check_cancellation_fee', topK: 1 });
    const asOrder = await bm25.retrieve({ query: 'cancel', intent: 'cancel_order', topK: 1 });
    expect(articleOf(asFee[0]?.id)).toBe('art-13');
    expect(articleOf(asOrder[0]?.id)).toBe('art-37');
    const plain = await bm25.retrieve({ query: 'how long will it take', topK: 1 });
    const boosted = await bm25.retrieve({ query: 'how long will it take', intent: 'delivery_period', topK: 1 });
    expect(articleOf(plain[0]?.id)).not.toBe('art-24');
    expect(articleOf(boosted[0]?.id)).toBe('art-24');
  });

  it('ignores order and invoice numbers when matching', async () => {
    const [withNumber] = await bm25.retrieve({ query: 'cancel order NW-10482', topK: 1 });
    expect(articleOf(withNumber?.id)).toBe('art-37');
  });

  it('finds nothing for small talk, but falls back to the intent articles when the intent is known', async () => {
    expect(await bm25.retrieve({ query: 'hello' })).toEqual([]);
    const fallback = await bm25.retrieve({ query: 'hello', intent: 'contact_customer_service' });
    expect(fallback.map((p) => p.id)).toEqual(['art-16#p1', 'art-17#p1', 'art-19#p1']);
  });

  it('reports what it indexed', () => {
    expect(bm25.mode).toBe('bm25');
    expect(bm25.stats).toEqual({ articles: 59, passages: passages.length, embeddingsReady: false });
  });
});

describe('hybrid retrieval (BM25 + embeddings)', () => {
  it('fuses both rankings and still answers the typed queries with the right article', async () => {
    const hybrid = createRetriever(passages, { embedder: localEmbedder });
    expect(hybrid.mode).toBe('hybrid');
    expect(await hybrid.warmUp()).toBe(true);
    expect(hybrid.stats.embeddingsReady).toBe(true);
    let right = 0;
    for (const [query, expected, intent] of CASES) {
      const [top] = await hybrid.retrieve({ query, intent, topK: 1 });
      if (articleOf(top?.id) === expected) right++;
    }
    expect(right / CASES.length).toBeGreaterThanOrEqual(0.85);
  });

  it('answers with BM25 alone while the embedder fails (stub embedder that throws), and retries the index later', async () => {
    let now = 0;
    const failures: string[] = [];
    const embed = vi.fn<Embedder['embed']>().mockRejectedValue(new Error('embeddings deployment down'));
    const retriever = createRetriever(passages, {
      embedder: { embed },
      clock: { now: () => now },
      embedRetryMs: 60_000,
      onEmbeddingFailure: (_err, phase) => failures.push(phase),
    });
    const [top] = await retriever.retrieve({ query: 'forgot my password', topK: 1 });
    expect(articleOf(top?.id)).toBe('art-06');
    await retriever.retrieve({ query: 'forgot my password', topK: 1 });
    expect(embed).toHaveBeenCalledTimes(1);
    expect(failures).toEqual(['index']);

    now = 61_000;
    embed.mockImplementation(localEmbedder.embed);
    await retriever.retrieve({ query: 'forgot my password', topK: 1 });
    expect(retriever.stats.embeddingsReady).toBe(true);
  });
});

describe('term processing', () => {
  it('stems inflections so different forms meet', () => {
    expect(stem('cancelled')).toBe(stem('cancel'));
    expect(stem('shipping')).toBe(stem('ship'));
    expect(stem('charged')).toBe(stem('charge'));
    expect(stem('deliveries')).toBe(stem('delivery'));
    expect(stem('address')).toBe('address');
  });

  it('drops stop words and identifier pieces', () => {
    expect(processTerm('the')).toBeNull();
    expect(processTerm('10482')).toBeNull();
    expect(processTerm('NW')).toBeNull();
    expect(processTerm('Refunds')).toBe('refund');
  });
});
