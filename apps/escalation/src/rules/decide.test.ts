import type { EscalateRequest, FindingType, Priority } from '@supportmesh/contracts';
import { describe, expect, it } from 'vitest';
import { parseAmounts } from './amounts.js';
import { decide, DEFAULT_RULES } from './decide.js';

function req(over: Partial<EscalateRequest> & { findingTypes?: FindingType[] } = {}): EscalateRequest {
  const { findingTypes, ...rest } = over;
  return {
    conversationId: 'conv-1',
    text: 'where is my order 12345',
    intent: 'track_order',
    sentiment: { label: 'neutral', score: 0 },
    confidence: 0.9,
    findings: (findingTypes ?? []).map((type) => ({ type, start: 0, end: 1 })),
    ...rest,
  };
}

const negative = { label: 'negative', score: -0.8 } as const;

describe('escalation rules', () => {
  const cases: [string, Parameters<typeof req>[0], boolean, Priority, string][] = [
    ['a routine, confident question stays with the assistant', {}, false, 'low', 'none'],
    ['intent contact_human_agent', { intent: 'contact_human_agent', text: 'hmm' }, true, 'normal', 'explicit_request'],
    ['"I want to talk to a person"', { text: 'I want to talk to a person' }, true, 'normal', 'explicit_request'],
    ['"can i speak with a real human pls" (no punctuation)', { text: 'can i speak with a real human pls' }, true, 'normal', 'explicit_request'],
    ['"connect me to an agent"', { text: 'connect me to an agent now' }, true, 'normal', 'explicit_request'],
    ['a one-word "human?"', { text: 'human?' }, true, 'normal', 'explicit_request'],
    ['"I dont want a bot"', { text: 'stop the bot i need help' }, true, 'normal', 'explicit_request'],
    ['two failed turns', { failedTurns: 2 }, true, 'normal', 'repeated_failure'],
    ['one failed turn is not enough', { failedTurns: 1 }, false, 'low', 'none'],
    ['sentiment at the threshold (-0.6)', { sentiment: { label: 'negative', score: -0.6 } }, true, 'normal', 'negative_sentiment'],
    ['sentiment just above the threshold', { sentiment: { label: 'negative', score: -0.59 } }, false, 'low', 'none'],
    ['low confidence alone is low priority', { confidence: 0.44 }, true, 'low', 'low_confidence'],
    ['confidence at the threshold (0.45) is fine', { confidence: 0.45 }, false, 'low', 'none'],
    ['delete_account is policy-sensitive', { intent: 'delete_account', text: 'delete my account' }, true, 'normal', 'policy_intent:delete_account'],
    ['payment_issue is policy-sensitive', { intent: 'payment_issue', text: 'my payment failed' }, true, 'normal', 'policy_intent:payment_issue'],
    ['complaint is policy-sensitive', { intent: 'complaint', text: 'I want to file a complaint' }, true, 'normal', 'policy_intent:complaint'],
    ['angry about a payment is high', { intent: 'payment_issue', text: 'you charged me twice', sentiment: negative }, true, 'high', 'negative_sentiment,policy_intent:payment_issue'],
    ['angry about a refund is high', { intent: 'track_refund', text: 'where is my refund', sentiment: negative }, true, 'high', 'negative_sentiment'],
    ['angry after repeated failure is high', { sentiment: negative, failedTurns: 3 }, true, 'high', 'repeated_failure,negative_sentiment'],
    ['a refund above the limit', { intent: 'get_refund', text: 'I want my $250 back' }, true, 'normal', 'refund_over_limit'],
    ['a refund below the limit', { intent: 'get_refund', text: 'refund the 45 dollars please' }, false, 'low', 'none'],
    ['a refund with only an order number', { intent: 'get_refund', text: 'refund order 98765432' }, false, 'low', 'none'],
    ['a lawyer is urgent', { text: 'my lawyer will hear about this' }, true, 'urgent', 'legal_threat'],
    ['a chargeback is urgent', { intent: 'payment_issue', text: 'i will do a chargeback' }, true, 'urgent', 'legal_threat,policy_intent:payment_issue'],
    ['a threat is urgent', { text: 'i know where you work' }, true, 'urgent', 'threat'],
    ['an unsafe finding is urgent', { findingTypes: ['unsafe'] }, true, 'urgent', 'threat'],
    ['an abuse finding is high', { findingTypes: ['abuse'] }, true, 'high', 'abuse'],
    ['a card number shared is high', { findingTypes: ['payment_card'] }, true, 'high', 'sensitive_pii'],
    ['an email address is not a reason', { findingTypes: ['email', 'phone'] }, false, 'low', 'none'],
    ['a prompt injection is the critic\'s job, not a ticket', { findingTypes: ['prompt_injection'] }, false, 'low', 'none'],
    [
      'several reasons are listed most severe first',
      { intent: 'contact_human_agent', text: 'get me a manager or i call my attorney', sentiment: negative, confidence: 0.3 },
      true,
      'urgent',
      'legal_threat,explicit_request,negative_sentiment,low_confidence',
    ],
  ];

  it.each(cases)('%s', (_name, input, escalate, priority, reason) => {
    const decision = decide(req(input));
    expect({ escalate: decision.escalate, priority: decision.priority, reason: decision.reason }).toEqual({ escalate, priority, reason });
  });

  it('uses the configured thresholds', () => {
    const strict = { ...DEFAULT_RULES, negativeSentiment: -0.3, minConfidence: 0.8, maxFailedTurns: 1, refundLimit: 10, policyIntents: [] };
    expect(decide(req({ sentiment: { label: 'negative', score: -0.4 } }), strict).reason).toBe('negative_sentiment');
    expect(decide(req({ confidence: 0.7 }), strict).reason).toBe('low_confidence');
    expect(decide(req({ failedTurns: 1 }), strict).reason).toBe('repeated_failure');
    expect(decide(req({ intent: 'get_refund', text: 'refund $20' }), strict).reason).toBe('refund_over_limit');
    expect(decide(req({ intent: 'complaint', text: 'meh' }), strict).escalate).toBe(false);
  });
});

describe('parseAmounts', () => {
  it.each([
    ['$250', [250]],
    ['€1.299,00 please', [1299]],
    ['1,299.50 USD', [1299.5]],
    ['300 euros and £12', [300, 12]],
    ['order 123456 invoice INV-9981', []],
  ])('%s', (text, amounts) => {
    expect(parseAmounts(text)).toEqual(amounts);
  });
});
