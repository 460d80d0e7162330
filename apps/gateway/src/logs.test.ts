import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCosmos, type LocalCosmos } from '@supportmesh/dev';
import { createCapturingLogger } from '@supportmesh/telemetry/testing';
import {
  ADMIN_KEY,
  call,
  deadUrl,
  DELEGATE_KEY,
  JWT_SECRET,
  SHOPIFY_SECRET,
  signJwt,
  startGateway,
  startStandIns,
  testRedis,
  USER_KEY,
  type StandIns,
} from './testing/harness.js';

const PII = {
  email: 'maria.lopez@example.org',
  phone: '+44 20 7946 0958',
  card: '4111 1111 1111 1111',
  iban: 'DE89 3704 0044 0532 0130 00',
  ssn: '123-45-6789',
};

let cosmos: LocalCosmos;
let standIns: StandIns;
let cleanup: () => Promise<void>;
const logs = createCapturingLogger('gateway', 'trace');

beforeAll(async () => {
  cosmos = await startLocalCosmos(0);
  standIns = await startStandIns();
});

afterAll(async () => {
  await standIns.close();
  await cosmos.close();
  await cleanup();
});

describe('log hygiene', () => {
  it('writes no API key, JWT, Authorization header or PII in any log line, even on failure paths', async () => {
    const r = await testRedis('logs');
    cleanup = r.cleanup;
    const jwt = await signJwt({ role: 'user', sub: 'someone' });
    const forged = await signJwt({ role: 'admin', secret: 'forged-secret-0123456789-0123456789-xyz' });
    const text = `I am ${PII.email}, phone ${PII.phone}, card ${PII.card}, IBAN ${PII.iban}, SSN ${PII.ssn}. Where is my order?`;

    const healthy = await startGateway({ urls: standIns.urls, cosmosEndpoint: cosmos.endpoint, prefix: `${r.prefix}a:`, redis: r.redis, logs, env: { LOG_LEVEL: 'trace' } });
    const criticDown = await startGateway({
      urls: { ...standIns.urls, critic: await deadUrl(), responder: await deadUrl() },
      cosmosEndpoint: await deadUrl().then((u) => u.replace('http:', 'https:')),
      prefix: `${r.prefix}b:`,
      redis: r.redis,
      logs,
    });
    try {
      for (const g of [healthy, criticDown]) {
        for (const creds of [{ key: USER_KEY }, { bearer: jwt }, { key: DELEGATE_KEY, headers: { 'x-user-id': 'u-1' } }]) {
          const created = await call(g.url, 'POST', '/v1/conversations', creds);
          await call(g.url, 'POST', `/v1/conversations/${created.body.conversationId}/messages`, { ...creds, body: { text } });
          await call(g.url, 'GET', `/v1/conversations/${created.body.conversationId}`, creds);
        }
        await call(g.url, 'POST', '/v1/chat', { bearer: forged, body: { message: text } });
        await call(g.url, 'POST', '/v1/chat', { key: `${USER_KEY}x`, body: { message: text } });
        await call(g.url, 'POST', '/v1/chat', { key: USER_KEY, raw: `{"message": "${PII.email}`, headers: { 'content-type': 'application/json' } });
        await call(g.url, 'POST', '/v1/channels/email', { key: USER_KEY, body: { from: PII.email, subject: PII.phone, text } });
        await call(g.url, 'GET', '/v1/admin/config', { key: ADMIN_KEY });
        await call(g.url, 'POST', '/v1/channels/shopify', { raw: JSON.stringify({ id: 1, note: text }), headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': 'bad' } });
      }
    } finally {
      await healthy.close();
      await criticDown.close();
    }

    const lines = logs.lines();
    expect(lines.length).toBeGreaterThan(20);
    const forbidden = [USER_KEY, ADMIN_KEY, DELEGATE_KEY, jwt, forged, JWT_SECRET, SHOPIFY_SECRET, 'Bearer ', ...Object.values(PII), PII.card.replace(/ /g, ''), 'Where is my order'];
    for (const line of lines) {
      for (const secret of forbidden) expect(line, `log line leaks ${secret.slice(0, 12)}…`).not.toContain(secret);
    }
  });
});
