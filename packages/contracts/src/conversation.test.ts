import { describe, expect, it } from 'vitest';
import { ClassifyRequest, RespondRequest, RetrieveRequest } from './agents.js';
import { ChatRequest, MessageRequest, ShopifyWebhook, ZendeskWebhook } from './conversation.js';
import { Id } from './common.js';
import { AdminConfig } from './admin.js';

describe('request schemas', () => {
  it('accepts a customer message of up to 4000 chars', () => {
    expect(MessageRequest.safeParse({ text: 'a'.repeat(4000) }).success).toBe(true);
  });

  it('rejects a customer message longer than 4000 chars', () => {
    expect(MessageRequest.safeParse({ text: 'a'.repeat(4001) }).success).toBe(false);
    expect(ChatRequest.safeParse({ message: 'a'.repeat(4001) }).success).toBe(false);
  });

  it('rejects an empty or blank message', () => {
    expect(MessageRequest.safeParse({ text: '' }).success).toBe(false);
    expect(MessageRequest.safeParse({ text: '  \n ' }).success).toBe(false);
  });

  it('rejects unknown keys on our own APIs', () => {
    const r = MessageRequest.safeParse({ text: 'hi', isAdmin: true });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.code).toBe('unrecognized_keys');
    expect(ClassifyRequest.safeParse({ text: 'hi', model: 'x' }).success).toBe(false);
    expect(AdminConfig.safeParse({ flags: { semanticCache: true, llmIntentFallback: true, outputReview: true, debug: true } }).success).toBe(false);
  });

  it('keeps unknown keys on loose external webhooks', () => {
    const shopify = ShopifyWebhook.parse({ id: 42, note: 'where is my parcel', line_items: [] });
    expect(shopify).toMatchObject({ id: 42, line_items: [] });
    expect(ZendeskWebhook.safeParse({ ticket: { id: 1, description: 'help', via: {} }, extra: 1 }).success).toBe(true);
  });

  it('defaults topK to 4 and bounds it to 1..20', () => {
    expect(RetrieveRequest.parse({ query: 'refund' }).topK).toBe(4);
    expect(RetrieveRequest.safeParse({ query: 'refund', topK: 21 }).success).toBe(false);
    expect(RetrieveRequest.safeParse({ query: 'refund', topK: 0 }).success).toBe(false);
  });

  it('restricts ids to 1..128 chars of [A-Za-z0-9_-]', () => {
    expect(Id.safeParse('3f1c2a8e-0b4e-4c59-9f7e-1b2c3d4e5f60').success).toBe(true);
    expect(Id.safeParse('').success).toBe(false);
    expect(Id.safeParse('a'.repeat(129)).success).toBe(false);
    expect(Id.safeParse('../etc/passwd').success).toBe(false);
    expect(
      RespondRequest.safeParse({ message: 'hi', intent: 'other', passages: [], history: [], conversationId: 'a b' }).success,
    ).toBe(false);
  });

  it('fills admin config defaults', () => {
    expect(AdminConfig.parse({})).toEqual({
      escalationConfidenceThreshold: 0.45,
      negativeSentimentThreshold: -0.6,
      rateLimitPerMinute: 10,
      semanticCacheThreshold: 0.85,
      flags: { llmIntentFallback: true, semanticCache: true, outputReview: true },
    });
    expect(AdminConfig.safeParse({ negativeSentimentThreshold: 0.2 }).success).toBe(false);
  });
});
