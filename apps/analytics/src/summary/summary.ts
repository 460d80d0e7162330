import type { AnalyticsSummary, Intent } from '@supportmesh/contracts';
import type { AggregateSnapshot } from '../aggregates/analytics-store.js';
import { percentileFromBuckets } from '../aggregates/latency-buckets.js';
import { deriveRecommendations, type RecommendationOptions } from './recommendations.js';

/** Turns the aggregates into the `GET /v1/analytics/summary` answer. Pure. */
export function buildSummary(snap: AggregateSnapshot, now: Date, opts: RecommendationOptions = {}): AnalyticsSummary {
  const turns = snap.turns;
  const ratio = (part: number, whole: number): number => (whole > 0 ? round(Math.min(1, part / whole), 4) : 0);
  const latency = {
    p50: round(percentileFromBuckets(snap.latencyBuckets, 0.5, snap.latencyMaxMs), 1),
    p95: round(percentileFromBuckets(snap.latencyBuckets, 0.95, snap.latencyMaxMs), 1),
    p99: round(percentileFromBuckets(snap.latencyBuckets, 0.99, snap.latencyMaxMs), 1),
  };
  const intentMix: Partial<Record<Intent, number>> = {};
  const cacheHitRateByIntent: Record<string, number> = {};
  for (const [intent, agg] of Object.entries(snap.intents) as [Intent, NonNullable<AggregateSnapshot['intents'][Intent]>][]) {
    if (agg.turns === 0) continue;
    intentMix[intent] = ratio(agg.turns, turns);
    cacheHitRateByIntent[intent] = ratio(agg.cached, agg.turns);
  }
  const tokens = snap.promptTokens + snap.completionTokens;
  return {
    volume: { conversations: snap.conversations, turns },
    intentMix,
    containmentRate: ratio(snap.contained, turns),
    escalationRate: ratio(snap.escalated, turns),
    latencyMs: latency,
    tokensPerConversation: snap.conversations > 0 ? round(tokens / snap.conversations, 2) : 0,
    costPerConversationUsd: snap.conversations > 0 ? round(snap.costUsd / snap.conversations, 6) : 0,
    totalCostUsd: round(snap.costUsd, 6),
    cacheHitRateByIntent,
    recommendations: deriveRecommendations(snap, latency.p95, opts),
    generatedAt: now.toISOString(),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
