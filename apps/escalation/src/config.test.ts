import { describe, expect, it } from 'vitest';
import { loadEscalationConfig } from './config.js';

describe('escalation config', () => {
  it('has a local default for everything', () => {
    const config = loadEscalationConfig({});
    expect(config).toMatchObject({
      PORT: 8084,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ESCALATION_WORKER: true,
      ESCALATION_STREAM: 'escalation.tickets',
      ESCALATION_GROUP: 'ticket-worker',
      ESCALATION_MAX_DELIVERIES: 5,
      ESCALATION_NEGATIVE_SENTIMENT: -0.6,
      ESCALATION_MIN_CONFIDENCE: 0.45,
      ESCALATION_MAX_FAILED_TURNS: 2,
      ESCALATION_POLICY_INTENTS: ['delete_account', 'payment_issue', 'complaint'],
      SERVICE_DESK: 'local',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads thresholds, the worker switch and the policy intents', () => {
    const config = loadEscalationConfig({
      ESCALATION_WORKER: 'off',
      ESCALATION_MIN_CONFIDENCE: '0.6',
      ESCALATION_POLICY_INTENTS: 'delete_account, get_refund',
      ESCALATION_MAX_DELIVERIES: '3',
    });
    expect(config).toMatchObject({
      ESCALATION_WORKER: false,
      ESCALATION_MIN_CONFIDENCE: 0.6,
      ESCALATION_POLICY_INTENTS: ['delete_account', 'get_refund'],
      ESCALATION_MAX_DELIVERIES: 3,
    });
  });

  it('requires the Zendesk settings when SERVICE_DESK=zendesk, naming each and never echoing values', () => {
    let message = '';
    try {
      loadEscalationConfig({ SERVICE_DESK: 'zendesk', ZENDESK_API_TOKEN: 'secret-token-value' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('ZENDESK_SUBDOMAIN');
    expect(message).toContain('ZENDESK_EMAIL');
    expect(message).not.toContain('secret-token-value');
    expect(
      loadEscalationConfig({ SERVICE_DESK: 'zendesk', ZENDESK_SUBDOMAIN: 'northwind', ZENDESK_EMAIL: 'ops@example.com', ZENDESK_API_TOKEN: 't' }).SERVICE_DESK,
    ).toBe('zendesk');
  });

  it('rejects unknown policy intents and a desk timeout that outlives the retry delay', () => {
    expect(() => loadEscalationConfig({ ESCALATION_POLICY_INTENTS: 'delete_account,bogus' })).toThrow(/ESCALATION_POLICY_INTENTS/);
    expect(() => loadEscalationConfig({ SERVICE_DESK_TIMEOUT_MS: '40000' })).toThrow(/SERVICE_DESK_TIMEOUT_MS/);
  });
});
