import { describe, expect, it } from 'vitest';
import type { AggregateSnapshot, IntentAggregate } from '../aggregates/analytics-store.js';
import { deriveRecommendations } from './recommendations.js';

const HOUR = 3_600_000;

function intent(over: Partial<IntentAggregate>): IntentAggregate {
  return { turns: 0, escalated: 0, cached: 0, costUsd: 0, uncachedCostUsd: 0, largeCalls: 0, routableLargeCalls: 0, routableLargeCostUsd: 0, ...over };
}

function snapshot(over: Partial<AggregateSnapshot> = {}): AggregateSnapshot {
  return {
    turns: 100,
    conversations: 20,
    escalated: 0,
    contained: 100,
    cached: 0,
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    largeCalls: 0,
    smallCalls: 0,
    routableLargeCalls: 0,
    routableLargeCostUsd: 0,
    latencyMaxMs: 500,
    latencyBuckets: new Map(),
    firstAtMs: 0,
    lastAtMs: 24 * HOUR,
    intents: {},
    ...over,
  };
}

describe('deriveRecommendations', () => {
  it('advises nothing without traffic', () => {
    expect(deriveRecommendations(snapshot({ turns: 0 }), 0)).toEqual([]);
  });

  it('flags a frequent intent with a low cache hit rate and estimates the monthly saving at the target rate', () => {
    // 1 day observed, $10 uncached spend on track_order at a 10 % hit rate → 30 days × $10 × (0.5-0.1)/(0.9).
    const recs = deriveRecommendations(
      snapshot({ intents: { track_order: intent({ turns: 100, cached: 10, uncachedCostUsd: 10 }) } }),
      500,
    );
    expect(recs).toEqual([
      {
        id: 'cache:track_order',
        message: expect.stringMatching(/^intent track_order: cache hit rate 10 % over 100 turns — enable the semantic cache/),
        estimatedMonthlySavingsUsd: 133.33,
      },
    ]);
  });

  it('leaves well-cached and rarely seen intents alone', () => {
    const recs = deriveRecommendations(
      snapshot({
        intents: {
          track_order: intent({ turns: 100, cached: 60, uncachedCostUsd: 10 }),
          get_invoice: intent({ turns: 5, cached: 0, uncachedCostUsd: 10 }),
        },
      }),
      500,
    );
    expect(recs).toEqual([]);
  });

  it('recommends routing confident large-model calls to the small model with the saving', () => {
    const recs = deriveRecommendations(
      snapshot({
        largeCalls: 200,
        routableLargeCalls: 50,
        routableLargeCostUsd: 2,
        intents: { check_refund_policy: intent({ turns: 60, cached: 30, routableLargeCalls: 50 }) },
      }),
      500,
      { smallModel: 'gpt-4o-mini', smallModelPriceRatio: 0.06 },
    );
    expect(recs).toEqual([
      {
        id: 'route:small-model',
        message: expect.stringContaining('25 % of large-model calls (50 of 200)'),
        estimatedMonthlySavingsUsd: 56.4, // $2/day × 30 × 0.94
      },
    ]);
    expect(recs[0]?.message).toContain('route them to gpt-4o-mini: est. savings $56.40/month');
    expect(recs[0]?.message).toContain('check_refund_policy');
  });

  it('points at the knowledge base for intents that escalate often, but not for "talk to a human"', () => {
    const recs = deriveRecommendations(
      snapshot({
        intents: {
          payment_issue: intent({ turns: 40, cached: 20, escalated: 20 }),
          contact_human_agent: intent({ turns: 40, cached: 20, escalated: 40 }),
        },
      }),
      500,
    );
    expect(recs.map((r) => r.id)).toEqual(['escalation:payment_issue']);
    expect(recs[0]?.message).toContain('50 % of 40 turns escalate');
  });

  it('waits for enough large-model calls before advising on routing', () => {
    const snap = snapshot({ largeCalls: 5, routableLargeCalls: 5, routableLargeCostUsd: 1 });
    expect(deriveRecommendations(snap, 0, { minSample: 20 })).toEqual([]);
    expect(deriveRecommendations(snap, 0, { minSample: 5 }).map((r) => r.id)).toEqual(['route:small-model']);
  });

  it('warns when p95 latency is above the target', () => {
    expect(deriveRecommendations(snapshot(), 4200, { latencyP95TargetMs: 3000 }).map((r) => r.id)).toEqual(['latency:p95']);
  });

  it('extrapolates a short burst as at least one hour of traffic', () => {
    const recs = deriveRecommendations(
      snapshot({ firstAtMs: 0, lastAtMs: 1000, largeCalls: 10, routableLargeCalls: 10, routableLargeCostUsd: 1 }),
      0,
      { smallModelPriceRatio: 0, minSample: 10 },
    );
    expect(recs[0]?.estimatedMonthlySavingsUsd).toBe(720); // $1/h × 24 × 30
  });
});
