import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope, MessageResponse } from '@supportmesh/contracts';
import { startLocalCosmos, type LocalCosmos } from '@supportmesh/dev';
import { call, SHOPIFY_SECRET, startGateway, startStandIns, testRedis, USER_KEY, type RunningGateway, type StandIns } from '../testing/harness.js';

const ZENDESK_SECRET = 'zendesk-signing-secret-0123456789';

let cosmos: LocalCosmos;
let standIns: StandIns;
let gw: RunningGateway;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  cosmos = await startLocalCosmos(0);
  standIns = await startStandIns();
  const r = await testRedis('channels');
  cleanup = r.cleanup;
  gw = await startGateway({
    urls: standIns.urls,
    cosmosEndpoint: cosmos.endpoint,
    prefix: r.prefix,
    redis: r.redis,
    env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '1000', ZENDESK_WEBHOOK_SECRET: ZENDESK_SECRET },
  });
});

afterAll(async () => {
  await gw.close();
  await standIns.close();
  await cosmos.close();
  await cleanup();
});

const shopifyHmac = (raw: string, secret = SHOPIFY_SECRET) => createHmac('sha256', secret).update(raw, 'utf8').digest('base64');

function shopify(raw: string, hmac: string | undefined) {
  return call(gw.url, 'POST', '/v1/channels/shopify', {
    raw,
    headers: { 'content-type': 'application/json', ...(hmac === undefined ? {} : { 'x-shopify-hmac-sha256': hmac }) },
  });
}

describe('Shopify webhook (HMAC over the raw body)', () => {
  // Keys in an unusual order and spacing: the HMAC must be checked on the bytes sent, not re-serialised JSON.
  const raw = '{"note":  "where is my order 12345?", "id": 5563208827064, "customer": {"email": "jon@example.com"}}';

  it('runs a correctly signed order note through the pipeline and answers with the reply', async () => {
    const res = await shopify(raw, shopifyHmac(raw));
    expect(res.status).toBe(200);
    const body = MessageResponse.parse(res.body);
    expect(body.intent).toBe('track_order');
    expect(body.conversationId).toMatch(/^sh-[0-9a-f]{32}$/);
    const again = await shopify(raw, shopifyHmac(raw));
    expect(again.body.conversationId).toBe(body.conversationId);
  });

  it.each([
    ['a missing HMAC', undefined],
    ['an HMAC made with another secret', shopifyHmac(raw, 'another-secret-0123456789')],
    ['an HMAC of different bytes', shopifyHmac(raw.replace('12345', '12346'))],
    ['a malformed HMAC', 'not base64 at all!'],
    ['a truncated HMAC', shopifyHmac(raw).slice(0, 20)],
  ])('answers 401 for %s and runs nothing', async (_name, hmac) => {
    const before = standIns.classifier.calls.length;
    const res = await shopify(raw, hmac);
    expect(res.status).toBe(401);
    expect(ErrorEnvelope.parse(res.body).error.code).toBe('UNAUTHENTICATED');
    expect(standIns.classifier.calls.length).toBe(before);
  });

  it('does not accept an API key instead of the HMAC', async () => {
    const res = await call(gw.url, 'POST', '/v1/channels/shopify', { key: USER_KEY, raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
  });

  it('accepts a signed order without a customer note with 202 and nothing to answer', async () => {
    const noNote = '{"id": 1, "note": null}';
    const res = await shopify(noNote, shopifyHmac(noNote));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ processed: false });
  });

  it('answers 400 for a signed body that is not a valid order', async () => {
    const bad = '{"note": 5}';
    const res = await shopify(bad, shopifyHmac(bad));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('e-mail webhook', () => {
  it('answers with the reply and keeps one thread per sender and subject (Re: ignored)', async () => {
    const first = await call(gw.url, 'POST', '/v1/channels/email', { key: USER_KEY, body: { from: 'Ann@Example.com', subject: 'My order', text: 'where is my order?' } });
    expect(first.status).toBe(200);
    MessageResponse.parse(first.body);
    const reply = await call(gw.url, 'POST', '/v1/channels/email', { key: USER_KEY, body: { from: 'ann@example.com', subject: 'RE: my order', text: 'any news?' } });
    expect(reply.body.conversationId).toBe(first.body.conversationId);
    const other = await call(gw.url, 'POST', '/v1/channels/email', { key: USER_KEY, body: { from: 'bob@example.com', subject: 'My order', text: 'hi' } });
    expect(other.body.conversationId).not.toBe(first.body.conversationId);
  });

  it('validates the sender address', async () => {
    const res = await call(gw.url, 'POST', '/v1/channels/email', { key: USER_KEY, body: { from: 'not-an-address', text: 'hi' } });
    expect(res.status).toBe(400);
  });
});

describe('Zendesk webhook', () => {
  const raw = JSON.stringify({ ticket: { id: 4711, description: 'I want to talk to a person' } });
  const sign = (body: string, ts: string, secret = ZENDESK_SECRET) => createHmac('sha256', secret).update(ts + body).digest('base64');

  it('needs an API key and, with a signing secret configured, a valid signature', async () => {
    const ts = new Date().toISOString();
    const headers = { 'content-type': 'application/json', 'x-zendesk-webhook-signature-timestamp': ts };
    expect((await call(gw.url, 'POST', '/v1/channels/zendesk', { raw, headers: { ...headers, 'x-zendesk-webhook-signature': sign(raw, ts) } })).status).toBe(401);
    expect((await call(gw.url, 'POST', '/v1/channels/zendesk', { key: USER_KEY, raw, headers: { ...headers, 'x-zendesk-webhook-signature': sign(raw, ts, 'wrong-secret-0123456789abc') } })).status).toBe(401);
    const ok = await call(gw.url, 'POST', '/v1/channels/zendesk', { key: USER_KEY, raw, headers: { ...headers, 'x-zendesk-webhook-signature': sign(raw, ts) } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ escalated: true, ticketId: 'TCK-1001' });
  });
});
