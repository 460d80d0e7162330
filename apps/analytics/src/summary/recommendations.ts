import type { Intent, Recommendation } from '@supportmesh/contracts';
import type { AggregateSnapshot } from '../aggregates/analytics-store.js';

export interface RecommendationOptions {
  /** Fewest turns of an intent before advising on it. @default 20 */
  readonly minSample?: number;
  /** Intents with a cache hit rate below this get caching advice. @default 0.3 */
  readonly lowCacheHitRate?: number;
  /** Hit rate the caching advice estimates savings for. @default 0.5 */
  readonly targetCacheHitRate?: number;
  /** Intents escalating at least this often get knowledge-base advice. @default 0.3 */
  readonly highEscalationRate?: number;
  /** The small model to route to, and its price as a share of the large model's. */
  readonly smallModel?: string;
  readonly smallModelPriceRatio?: number;
  /** The confidence the routable large-model calls were counted at (for the message). @default 0.9 */
  readonly routingConfidence?: number;
  /** Advise on routing once this share of large-model calls is routable. @default 0.1 */
  readonly minRoutableShare?: number;
  /** @default 3000 */
  readonly latencyP95TargetMs?: number;
  /** How many caching / knowledge-base recommendations at most. @default 3 */
  readonly maxPerKind?: number;
}

/** Intents where handing over to a human is the expected outcome, not a knowledge gap. */
const EXPECTED_ESCALATION: ReadonlySet<Intent> = new Set(['contact_human_agent', 'contact_customer_service']);

const DAY_MS = 86_400_000;
const MONTH_MS = 30 * DAY_MS;
/** Shortest observation span extrapolated to a month (a burst of test traffic is not a month of traffic). */
const MIN_SPAN_MS = 3_600_000;

/**
 * Cost-optimisation and quality advice derived from the aggregates: semantic-cache candidates by intent,
 * large-model calls a small model could serve, intents that escalate too often, slow p95.
 * Monthly savings extrapolate the observed cost over the events' time span (at least one hour) to 30 days.
 */
export function deriveRecommendations(
  snap: AggregateSnapshot,
  latencyP95Ms: number,
  opts: RecommendationOptions = {},
): Recommendation[] {
  const minSample = opts.minSample ?? 20;
  const lowHit = opts.lowCacheHitRate ?? 0.3;
  const target = Math.max(opts.targetCacheHitRate ?? 0.5, lowHit);
  const highEscalation = opts.highEscalationRate ?? 0.3;
  const smallModel = opts.smallModel ?? 'gpt-4o-mini';
  const priceRatio = opts.smallModelPriceRatio ?? 0.06;
  const confidence = opts.routingConfidence ?? 0.9;
  const minRoutableShare = opts.minRoutableShare ?? 0.1;
  const p95Target = opts.latencyP95TargetMs ?? 3_000;
  const maxPerKind = opts.maxPerKind ?? 3;
  if (snap.turns === 0) return [];

  const monthly = monthlyFactor(snap);
  const intents = Object.entries(snap.intents) as [Intent, NonNullable<AggregateSnapshot['intents'][Intent]>][];
  const out: Recommendation[] = [];

  // 1. Semantic cache: frequent intents that are rarely served from cache.
  const caching = intents
    .filter(([, a]) => a.turns >= minSample && a.cached / a.turns < lowHit)
    .map(([intent, a]) => {
      const hit = a.cached / a.turns;
      const savings = a.uncachedCostUsd * ((target - hit) / (1 - hit)) * monthly;
      return { intent, hit, turns: a.turns, savings };
    })
    .sort((x, y) => y.savings - x.savings || y.turns - x.turns)
    .slice(0, maxPerKind);
  for (const c of caching) {
    out.push({
      id: `cache:${c.intent}`,
      message:
        `intent ${c.intent}: cache hit rate ${pct(c.hit)} over ${c.turns} turns — enable the semantic cache ` +
        `for it or raise its TTL (estimate at a ${pct(target)} hit rate: ${usd(c.savings)}/month)`,
      estimatedMonthlySavingsUsd: cents(c.savings),
    });
  }

  // 2. Model routing: large-model calls for turns the classifier was sure about.
  if (snap.largeCalls >= minSample && snap.routableLargeCalls > 0 && snap.routableLargeCalls / snap.largeCalls >= minRoutableShare) {
    const share = snap.routableLargeCalls / snap.largeCalls;
    const savings = snap.routableLargeCostUsd * (1 - priceRatio) * monthly;
    const top = intents
      .filter(([, a]) => a.routableLargeCalls > 0)
      .sort(([, x], [, y]) => y.routableLargeCalls - x.routableLargeCalls)
      .slice(0, 3)
      .map(([intent]) => intent);
    out.push({
      id: 'route:small-model',
      message:
        `${pct(share)} of large-model calls (${snap.routableLargeCalls} of ${snap.largeCalls}) are for turns classified ` +
        `with confidence ≥ ${confidence} (top: ${top.join(', ')}) — route them to ${smallModel}: est. savings ${usd(savings)}/month`,
      estimatedMonthlySavingsUsd: cents(savings),
    });
  }

  // 3. Knowledge gaps: intents that escalate too often.
  const escalating = intents
    .filter(([intent, a]) => !EXPECTED_ESCALATION.has(intent) && a.turns >= minSample && a.escalated / a.turns >= highEscalation)
    .sort(([, x], [, y]) => y.escalated / y.turns - x.escalated / x.turns)
    .slice(0, maxPerKind);
  for (const [intent, a] of escalating) {
    out.push({
      id: `escalation:${intent}`,
      message:
        `intent ${intent}: ${pct(a.escalated / a.turns)} of ${a.turns} turns escalate to a human — improve its ` +
        `help-center articles and answer template to raise containment`,
    });
  }

  // 4. Latency.
  if (latencyP95Ms > p95Target) {
    out.push({
      id: 'latency:p95',
      message:
        `p95 turn latency is ${Math.round(latencyP95Ms)} ms, above the ${p95Target} ms target — check the slowest hop ` +
        `(per-hop latency in the gateway metrics), cache more answers or use a faster deployment`,
    });
  }
  return out;
}

function monthlyFactor(snap: AggregateSnapshot): number {
  const span = snap.firstAtMs !== undefined && snap.lastAtMs !== undefined ? snap.lastAtMs - snap.firstAtMs : 0;
  return MONTH_MS / Math.max(span, MIN_SPAN_MS);
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

function usd(x: number): string {
  return `$${x.toFixed(2)}`;
}

function cents(x: number): number {
  return Math.max(0, Math.round(x * 100) / 100);
}
