import { INTENT_CATEGORIES, type EscalateRequest, type FindingType, type Intent, type Priority } from '@supportmesh/contracts';
import { parseAmounts } from './amounts.js';
import { LEGAL_OR_CHARGEBACK, matchesHumanRequest, THREAT } from './patterns.js';

export interface EscalationRules {
  /** Sentiment score at or below this escalates. @default -0.6 */
  readonly negativeSentiment: number;
  /** Intent confidence below this escalates. @default 0.45 */
  readonly minConfidence: number;
  /** This many failed turns escalates. @default 2 */
  readonly maxFailedTurns: number;
  /** `get_refund` naming an amount above this escalates. @default 100 */
  readonly refundLimit: number;
  /** Intents always handed to a human. */
  readonly policyIntents: readonly Intent[];
}

export const DEFAULT_RULES: EscalationRules = Object.freeze({
  negativeSentiment: -0.6,
  minConfidence: 0.45,
  maxFailedTurns: 2,
  refundLimit: 100,
  policyIntents: Object.freeze(['delete_account', 'payment_issue', 'complaint'] as Intent[]),
});

/** Why a conversation goes to a human, most severe first. */
export const REASONS = [
  'legal_threat',
  'threat',
  'abuse',
  'sensitive_pii',
  'explicit_request',
  'repeated_failure',
  'negative_sentiment',
  'policy_intent',
  'refund_over_limit',
  'low_confidence',
] as const;
export type ReasonCode = (typeof REASONS)[number];

export interface Decision {
  readonly escalate: boolean;
  readonly reasons: readonly ReasonCode[];
  /** `reasons` joined by commas (`policy_intent` carries its intent: `policy_intent:delete_account`), or `none`. */
  readonly reason: string;
  readonly priority: Priority;
}

const SENSITIVE_PII: ReadonlySet<FindingType> = new Set(['payment_card', 'iban', 'ssn']);
const MONEY_CATEGORIES = new Set(['PAYMENT', 'REFUND']);
const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/**
 * The escalation rules. Escalate on: legal/chargeback words, threats or unsafe content, abuse, sensitive
 * PII (card, IBAN, SSN), an explicit request for a human, repeated failure, strongly negative sentiment,
 * policy-sensitive intents, refunds above the limit, low classifier confidence.
 *
 * Priority: urgent for legal/chargeback or threats; high for abuse, sensitive PII, and strongly negative
 * customers about money (payment/refund) or after repeated failures; low when only the classifier was
 * unsure; normal otherwise. Pure and deterministic.
 */
export function decide(req: EscalateRequest, rules: EscalationRules = DEFAULT_RULES): Decision {
  const found = new Set<ReasonCode>();
  const findings = new Set(req.findings.map((f) => f.type));
  const text = req.text;

  if (LEGAL_OR_CHARGEBACK.test(text)) found.add('legal_threat');
  if (findings.has('unsafe') || THREAT.test(text)) found.add('threat');
  if (findings.has('abuse')) found.add('abuse');
  if ([...findings].some((f) => SENSITIVE_PII.has(f))) found.add('sensitive_pii');
  if (req.intent === 'contact_human_agent' || matchesHumanRequest(text)) found.add('explicit_request');
  if ((req.failedTurns ?? 0) >= rules.maxFailedTurns) found.add('repeated_failure');
  const negative = req.sentiment.score <= rules.negativeSentiment;
  if (negative) found.add('negative_sentiment');
  if (rules.policyIntents.includes(req.intent)) found.add('policy_intent');
  if (req.intent === 'get_refund' && parseAmounts(text).some((a) => a > rules.refundLimit)) found.add('refund_over_limit');
  if (req.confidence < rules.minConfidence) found.add('low_confidence');

  const reasons = REASONS.filter((r) => found.has(r));
  if (reasons.length === 0) return { escalate: false, reasons, reason: 'none', priority: 'low' };

  let priority: Priority = 'normal';
  const raise = (p: Priority): void => {
    if (PRIORITY_RANK[p] > PRIORITY_RANK[priority]) priority = p;
  };
  if (found.has('legal_threat') || found.has('threat')) raise('urgent');
  if (found.has('abuse') || found.has('sensitive_pii')) raise('high');
  if (negative && (MONEY_CATEGORIES.has(INTENT_CATEGORIES[req.intent]) || found.has('repeated_failure'))) raise('high');
  if (reasons.length === 1 && reasons[0] === 'low_confidence') priority = 'low';

  const reason = reasons.map((r) => (r === 'policy_intent' ? `policy_intent:${req.intent}` : r)).join(',');
  return { escalate: true, reasons, reason, priority };
}
