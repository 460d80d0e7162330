import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '@supportmesh/contracts';
import { startLocalCosmos, type LocalCosmos } from '@supportmesh/dev';
import { call, startGateway, startStandIns, testRedis, USER_KEY, type RunningGateway, type StandIns } from '../testing/harness.js';

let cosmos: LocalCosmos;
let standIns: StandIns;
let gw: RunningGateway;
let cleanup: () => Promise<void>;
let conversationId: string;

beforeAll(async () => {
  cosmos = await startLocalCosmos(0);
  standIns = await startStandIns();
  const r = await testRedis('bad-input');
  cleanup = r.cleanup;
  gw = await startGateway({ urls: standIns.urls, cosmosEndpoint: cosmos.endpoint, prefix: r.prefix, redis: r.redis, env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '10000' } });
  conversationId = (await call(gw.url, 'POST', '/v1/conversations', { key: USER_KEY })).body.conversationId as string;
});

afterAll(async () => {
  await gw.close();
  await standIns.close();
  await cosmos.close();
  await cleanup();
});

function expectEnvelope(res: { status: number; body: unknown }, status: number, code?: string): void {
  expect(res.status).toBe(status);
  const env = ErrorEnvelope.parse(res.body);
  if (code) expect(env.error.code).toBe(code);
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
}

describe('bad input gets a 4xx in the error envelope', () => {
  const messages = () => `/v1/conversations/${conversationId}/messages`;
  const json = { 'content-type': 'application/json' };

  it('malformed JSON → 400 INVALID_JSON', async () => {
    for (const raw of ['{"text": ', '{text: "hi"}', "{'text':'hi'}", 'null garbage', '[1,2', '"unterminated']) {
      expectEnvelope(await call(gw.url, 'POST', messages(), { key: USER_KEY, raw, headers: json }), 400, 'INVALID_JSON');
    }
  });

  it('invalid UTF-8 → 400', async () => {
    const raw = Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('"}')]);
    expectEnvelope(await call(gw.url, 'POST', messages(), { key: USER_KEY, raw, headers: json }), 400, 'INVALID_JSON');
  });

  it('wrong types, missing or extra fields, blank or too long text → 400 VALIDATION_FAILED with field errors', async () => {
    for (const body of [{}, { text: 42 }, { text: null }, { text: ['a'] }, { text: '   ' }, { text: 'x'.repeat(4001) }, { text: 'hi', extra: true }, []]) {
      const res = await call(gw.url, 'POST', messages(), { key: USER_KEY, body });
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
    }
    // Top-level primitives are refused by the strict JSON parser already.
    for (const body of ['text', 17, true]) expectEnvelope(await call(gw.url, 'POST', messages(), { key: USER_KEY, body }), 400);
    const res = await call(gw.url, 'POST', '/v1/chat', { key: USER_KEY, body: { message: 7 } });
    expectEnvelope(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'message' })]);
  });

  it('deeply nested JSON → 400, not a crash', async () => {
    const raw = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await call(gw.url, 'POST', messages(), { key: USER_KEY, raw, headers: json });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('a 1 MB body → 413 PAYLOAD_TOO_LARGE (also on the raw-body webhook routes)', async () => {
    const raw = JSON.stringify({ text: 'x'.repeat(1024 * 1024) });
    expectEnvelope(await call(gw.url, 'POST', messages(), { key: USER_KEY, raw, headers: json }), 413, 'PAYLOAD_TOO_LARGE');
    expectEnvelope(await call(gw.url, 'POST', '/v1/channels/zendesk', { key: USER_KEY, raw, headers: json }), 413, 'PAYLOAD_TOO_LARGE');
    expectEnvelope(await call(gw.url, 'POST', '/v1/channels/shopify', { raw, headers: json }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a wrong content type → 415', async () => {
    expectEnvelope(await call(gw.url, 'POST', messages(), { key: USER_KEY, raw: 'text=hi', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    expectEnvelope(await call(gw.url, 'POST', '/v1/channels/zendesk', { key: USER_KEY, raw: 'hi', headers: { 'content-type': 'text/plain' } }), 415);
  });

  it('an unknown conversation → 404; traversal and odd ids → 400 or 404, never 5xx', async () => {
    expectEnvelope(await call(gw.url, 'POST', '/v1/conversations/00000000-0000-4000-8000-000000000000/messages', { key: USER_KEY, body: { text: 'hi' } }), 404, 'NOT_FOUND');
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '..%2F', '%2e%2e%2f', 'a%00b', '%ZZ', 'x'.repeat(200), 'a.b', '%F0%9F%92%A9']) {
      for (const [method, path, body] of [
        ['GET', `/v1/conversations/${id}`, undefined],
        ['POST', `/v1/conversations/${id}/messages`, { text: 'hi' }],
        ['POST', `/v1/conversations/${id}/end`, undefined],
      ] as const) {
        const res = await call(gw.url, method, path, { key: USER_KEY, body });
        expect([400, 404], `${method} ${path}`).toContain(res.status);
        ErrorEnvelope.parse(res.body);
      }
    }
  });

  it('unknown routes → 404 and wrong methods → 405 with Allow', async () => {
    expectEnvelope(await call(gw.url, 'GET', '/v1/nope', { key: USER_KEY }), 404, 'NOT_FOUND');
    const res = await call(gw.url, 'DELETE', '/v1/chat', { key: USER_KEY });
    expectEnvelope(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toContain('POST');
  });

  it('ignores an injected correlation id and answers with a fresh one', async () => {
    const res = await call(gw.url, 'GET', '/v1/nope', { key: USER_KEY, headers: { 'x-correlation-id': 'x'.repeat(500) } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('stays healthy after all of it', async () => {
    expect((await call(gw.url, 'GET', '/health')).status).toBe(200);
    expect((await call(gw.url, 'POST', messages(), { key: USER_KEY, body: { text: 'where is my order?' } })).status).toBe(200);
  });
});

describe('static files and odd paths', () => {
  it('answers malformed or traversing paths with 4xx envelopes and serves nothing outside public/', async () => {
    for (const path of ['/%ZZ', '/..%2F..%2Fpackage.json', '/..%2f..%2fsrc%2fconfig.ts', '/%00', '/.env', '/app.js%00.html', '/%2e%2e/%2e%2e/package.json']) {
      const res = await call(gw.url, 'GET', path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(JSON.stringify(res.body ?? '')).not.toContain('@supportmesh/gateway');
    }
  });
});
