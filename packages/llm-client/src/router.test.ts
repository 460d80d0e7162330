import { describe, expect, it } from 'vitest';
import type { Task, Tier } from './config.js';
import { QuotaWindow } from './quota.js';
import { routeOrder, weightedOrder } from './router.js';

interface D {
  name: string;
  tier: Tier;
  weight: number;
  model: string;
  tasks?: Task[];
}

const deployments: D[] = [
  { name: 'mini-eu', tier: 'small', weight: 3, model: 'gpt-4o-mini' },
  { name: 'mini-us', tier: 'small', weight: 1, model: 'gpt-4o-mini' },
  { name: '4o-eu', tier: 'large', weight: 1, model: 'gpt-4o' },
  { name: 'emb', tier: 'embedding', weight: 1, model: 'text-embedding-3-small' },
];

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('routeOrder (hybrid router)', () => {
  it('sends classify to the small tier first and respond to the large tier first, never to embeddings', () => {
    const classify = routeOrder(deployments, { task: 'classify', tier: 'small' }, { crossTierFailover: true }).map((d) => d.name);
    expect(classify.slice(0, 2).sort()).toEqual(['mini-eu', 'mini-us']);
    expect(classify[2]).toBe('4o-eu');
    const respond = routeOrder(deployments, { task: 'respond', tier: 'large' }, { crossTierFailover: false }).map((d) => d.name);
    expect(respond).toEqual(['4o-eu']);
  });

  it('splits traffic by weight among deployments of the tier', () => {
    const random = seeded(7);
    const firsts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const first = routeOrder(deployments, { task: 'classify', tier: 'small' }, { crossTierFailover: false, random })[0]?.name ?? 'none';
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    const share = (firsts.get('mini-eu') ?? 0) / 4000;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
  });

  it('honours deployments dedicated to tasks and pinned models', () => {
    const withDedicated: D[] = [...deployments, { name: 'review-only', tier: 'large', weight: 1, model: 'gpt-4o', tasks: ['review'] }];
    const review = routeOrder(withDedicated, { task: 'review', tier: 'small' }, { crossTierFailover: false }).map((d) => d.name);
    expect(review).toContain('review-only');
    const respond = routeOrder(withDedicated, { task: 'respond', tier: 'large' }, { crossTierFailover: true }).map((d) => d.name);
    expect(respond).not.toContain('review-only');
    const pinned = routeOrder(deployments, { task: 'generic', tier: 'small', model: 'gpt-4o' }, { crossTierFailover: true }).map((d) => d.name);
    expect(pinned).toEqual(['4o-eu']);
  });

  it('weightedOrder keeps every item exactly once', () => {
    const items = [{ weight: 1 }, { weight: 5 }, { weight: 0.5 }];
    expect(new Set(weightedOrder(items, seeded(1)))).toEqual(new Set(items));
  });
});

describe('QuotaWindow', () => {
  it('admits up to rpm requests per sliding minute and says when the next one fits', () => {
    let now = 0;
    const q = new QuotaWindow({ rpm: 2, now: () => now });
    expect(q.tryTake(10)).toEqual({ ok: true });
    now = 10_000;
    expect(q.tryTake(10)).toEqual({ ok: true });
    expect(q.tryTake(10)).toEqual({ ok: false, retryAfterMs: 50_000 });
    now = 60_001;
    expect(q.tryTake(10)).toEqual({ ok: true });
  });

  it('admits by tokens per minute', () => {
    const now = 0;
    const q = new QuotaWindow({ tpm: 1000, now: () => now });
    expect(q.tryTake(800).ok).toBe(true);
    expect(q.tryTake(300).ok).toBe(false);
    expect(q.tryTake(200).ok).toBe(true);
  });
});
