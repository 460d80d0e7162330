import { INTENTS as CONTRACT_INTENTS } from '@supportmesh/contracts';
import { describe, expect, it } from 'vitest';
import { groundedAnswer } from './answer.js';
import { bestEnumMatch, jsonForSchema, type JsonContext } from './json-mode.js';

const INTENTS = ['cancel_order', 'change_shipping_address', 'contact_human_agent', 'get_refund', 'track_order', 'recover_password', 'other'];

function ctx(userText: string): JsonContext {
  return { userText, answer: groundedAnswer(userText, []) };
}

const classifySchema = {
  type: 'object',
  properties: {
    intent: { type: 'string', enum: INTENTS },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    sentiment: { type: 'object', properties: { label: { enum: ['negative', 'neutral', 'positive'] }, score: { type: 'number', minimum: -1, maximum: 1 } }, required: ['label', 'score'] },
    entities: { type: 'array', items: { type: 'object' } },
  },
  required: ['intent', 'confidence', 'sentiment', 'entities'],
  additionalProperties: false,
};

describe('JSON mode', () => {
  it.each([
    ['I want to cancel my order', 'cancel_order'],
    ['I want my money back', 'get_refund'],
    ['where is my package?', 'track_order'],
    ['I forgot my password', 'recover_password'],
    ['let me talk to a real person', 'contact_human_agent'],
    ['what is the meaning of life', 'other'],
  ])('classifies "%s" as %s', (text, intent) => {
    const value = jsonForSchema(classifySchema, ctx(text)) as Record<string, unknown>;
    expect(value['intent']).toBe(intent);
  });

  it('fills every required property with a value of the right type and bounds', () => {
    const value = jsonForSchema(classifySchema, ctx('This is terrible, I am so angry')) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['confidence', 'entities', 'intent', 'sentiment']);
    expect(value['confidence']).toBeGreaterThanOrEqual(0);
    expect(value['confidence']).toBeLessThanOrEqual(1);
    expect(value['entities']).toEqual([]);
    expect(value['sentiment']).toEqual({ label: 'negative', score: expect.any(Number) });
    expect((value['sentiment'] as { score: number }).score).toBeLessThan(0);
  });

  it('resolves $ref, anyOf with null, const, integers and string formats', () => {
    const schema = {
      type: 'object',
      $defs: { verdict: { type: 'string', enum: ['allow', 'redact', 'block'] } },
      properties: {
        verdict: { $ref: '#/$defs/verdict' },
        note: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 5 }] },
        version: { const: 2 },
        count: { type: 'integer', minimum: 3 },
        email: { type: 'string', format: 'email' },
        ok: { type: 'boolean' },
      },
      required: ['verdict', 'note', 'version', 'count', 'email', 'ok'],
    };
    expect(jsonForSchema(schema, ctx('hello'))).toEqual({
      verdict: 'allow',
      note: 'examp',
      version: 2,
      count: 3,
      email: 'customer@example.com',
      ok: false,
    });
  });

  it('keeps the first value for enums that are not intent-like, whatever the text says', () => {
    const schema = { type: 'object', properties: { verdict: { enum: ['allow', 'redact', 'block'] } }, required: ['verdict'] };
    expect(jsonForSchema(schema, ctx('please block my card'))).toEqual({ verdict: 'allow' });
  });

  it('puts the grounded answer in reply-like string fields', () => {
    const value = jsonForSchema({ type: 'object', properties: { reply: { type: 'string' } }, required: ['reply'] }, ctx('hi')) as {
      reply: string;
    };
    expect(value.reply).toMatch(/human agent/);
  });

  it('matches enum values by word overlap, null when nothing overlaps', () => {
    expect(bestEnumMatch(INTENTS, 'please change the shipping address')?.value).toBe('change_shipping_address');
    expect(bestEnumMatch(INTENTS, 'zebra')).toBeNull();
  });

  it.each([
    ['I need to create an account', 'create_account'],
    ['please delete my account', 'delete_account'],
    ['how do I change my profile details', 'edit_account'],
    ['I forgot my password', 'recover_password'],
    ['I cannot register, the sign up form fails', 'registration_problems'],
    ['is there a fee if I cancel', 'check_cancellation_fee'],
    ['let me speak to a human', 'contact_human_agent'],
    ['what shipping options do you have', 'delivery_options'],
    ['how long does delivery take', 'delivery_period'],
    ['I want to file a complaint', 'complaint'],
    ['can I see my invoice', 'check_invoice'],
    ['please send me the invoice for my purchase', 'get_invoice'],
    ['I need to change my order', 'change_order'],
    ['where is my package', 'track_order'],
    ['my card payment failed', 'payment_issue'],
    ['what is your refund policy', 'check_refund_policy'],
    ['what is the status of my refund', 'track_refund'],
    ['unsubscribe me from the newsletter', 'newsletter_subscription'],
  ])('maps "%s" to the contract intent %s', (text, intent) => {
    expect(pickIntent(text)).toBe(intent);
  });
});

function pickIntent(text: string): unknown {
  const schema = { type: 'object', properties: { intent: { type: 'string', enum: [...CONTRACT_INTENTS] } }, required: ['intent'] };
  return (jsonForSchema(schema, ctx(text)) as { intent: unknown }).intent;
}
