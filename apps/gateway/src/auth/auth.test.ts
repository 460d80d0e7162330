import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '@supportmesh/contracts';
import { startLocalCosmos, type LocalCosmos } from '@supportmesh/dev';
import {
  ADMIN_KEY,
  API_KEYS_JSON,
  call,
  DELEGATE_KEY,
  signJwt,
  startGateway,
  startStandIns,
  testRedis,
  USER_KEY,
  type RunningGateway,
  type StandIns,
} from '../testing/harness.js';
import { Keyring, sha256Hex } from './keyring.js';

let cosmos: LocalCosmos;
let standIns: StandIns;
let gw: RunningGateway;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  cosmos = await startLocalCosmos(0);
  standIns = await startStandIns();
  const r = await testRedis('auth');
  cleanup = r.cleanup;
  gw = await startGateway({ urls: standIns.urls, cosmosEndpoint: cosmos.endpoint, prefix: r.prefix, redis: r.redis, env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '1000' } });
});

afterAll(async () => {
  await gw.close();
  await standIns.close();
  await cosmos.close();
  await cleanup();
});

type Creds = { key?: string; bearer?: string };

/** Every authenticated route with a request that is valid once authenticated. */
const ROUTES: readonly { method: string; path: string; body?: unknown; admin?: boolean }[] = [
  { method: 'POST', path: '/v1/conversations' },
  { method: 'POST', path: '/v1/conversations/00000000-0000-4000-8000-000000000000/messages', body: { text: 'hi' } },
  { method: 'GET', path: '/v1/conversations/00000000-0000-4000-8000-000000000000' },
  { method: 'POST', path: '/v1/conversations/00000000-0000-4000-8000-000000000000/end' },
  { method: 'POST', path: '/v1/chat', body: { message: 'hi' } },
  { method: 'POST', path: '/v1/channels/email', body: { from: 'a@example.com', text: 'hi' } },
  { method: 'POST', path: '/v1/channels/zendesk', body: { ticket: { id: 1, description: 'hi' } } },
  { method: 'GET', path: '/v1/registry' },
  { method: 'GET', path: '/api/v1/pool/stats' },
  { method: 'GET', path: '/v1/admin/config', admin: true },
  { method: 'PUT', path: '/v1/admin/config', body: {}, admin: true },
];

async function expectEnvelope(res: { status: number; body: unknown; headers: Headers }, status: number, code: string) {
  expect(res.status).toBe(status);
  const env = ErrorEnvelope.parse(res.body);
  expect(env.error.code).toBe(code);
  expect(env.error.correlationId).toBe(res.headers.get('x-correlation-id'));
}

describe('authentication and roles', () => {
  it('keeps API keys as SHA-256 hashes and matches only the right key', () => {
    const ring = new Keyring([{ id: 'k1', sha256: sha256Hex('secret-one-0123456789'), role: 'user', delegate: false }]);
    expect(ring.match('secret-one-0123456789')).toEqual({ id: 'k1', role: 'user', delegate: false });
    expect(ring.match('secret-one-012345678')).toBeUndefined();
    expect(ring.match('')).toBeUndefined();
    expect(API_KEYS_JSON).not.toContain(USER_KEY);
  });

  it.each(ROUTES)('$method $path: 401 with WWW-Authenticate without credentials', async (route) => {
    const res = await call(gw.url, route.method, route.path, { body: route.body });
    await expectEnvelope(res, 401, 'UNAUTHENTICATED');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="supportmesh"/);
  });

  const bad: readonly [string, () => Promise<Creds>][] = [
    ['a wrong API key', async () => ({ key: 'sm_wrong_key_0123456789abcdef' })],
    ['a wrong bearer key', async () => ({ bearer: 'sm_wrong_key_0123456789abcdef' })],
    ['an expired JWT', async () => ({ bearer: await signJwt({ expiresIn: Math.floor(Date.now() / 1000) - 120 }) })],
    ['a JWT signed with another secret', async () => ({ bearer: await signJwt({ secret: 'another-secret-0123456789-0123456789-abcd' }) })],
    ['a JWT for another audience', async () => ({ bearer: await signJwt({ audience: 'someone-else' }) })],
    ['a JWT from another issuer', async () => ({ bearer: await signJwt({ issuer: 'https://evil.test' }) })],
    ['a JWT without a known role', async () => ({ bearer: await signJwt({ role: 'superuser' }) })],
    ['an unsigned JWT (alg none)', async () => ({ bearer: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin', exp: 9_999_999_999 })}.` })],
  ];

  it.each(bad)('refuses %s on every route with 401 invalid_token', async (_name, creds) => {
    const c = await creds();
    for (const route of ROUTES) {
      const res = await call(gw.url, route.method, route.path, { ...c, body: route.body });
      await expectEnvelope(res, 401, 'UNAUTHENTICATED');
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('gives user keys and user JWTs 403 on admin routes, and admins 200', async () => {
    const userJwt = await signJwt({ role: 'user' });
    const adminJwt = await signJwt({ role: 'admin', sub: 'ops-1' });
    for (const route of ROUTES.filter((r) => r.admin)) {
      for (const creds of [{ key: USER_KEY }, { bearer: USER_KEY }, { bearer: userJwt }, { key: DELEGATE_KEY }]) {
        await expectEnvelope(await call(gw.url, route.method, route.path, { ...creds, body: route.body }), 403, 'FORBIDDEN');
      }
      for (const creds of [{ key: ADMIN_KEY }, { bearer: adminJwt }]) {
        expect((await call(gw.url, route.method, route.path, { ...creds, body: route.body })).status).toBe(200);
      }
    }
  });

  it('lets a user key, a bearer key and a user JWT through non-admin routes', async () => {
    const userJwt = await signJwt({ role: 'user' });
    for (const creds of [{ key: USER_KEY }, { bearer: USER_KEY }, { bearer: userJwt }]) {
      const created = await call(gw.url, 'POST', '/v1/conversations', creds);
      expect(created.status).toBe(201);
      const turn = await call(gw.url, 'POST', `/v1/conversations/${created.body.conversationId}/messages`, { ...creds, body: { text: 'where is my order?' } });
      expect(turn.status).toBe(200);
    }
  });

  it('serves /health, /ready, /metrics, the web page and its assets without credentials', async () => {
    for (const path of ['/health', '/ready', '/metrics', '/', '/app.js', '/styles.css', '/ui-config']) {
      expect((await call(gw.url, 'GET', path)).status, path).toBe(200);
    }
  });

  it('scopes a delegate key to the end user named in x-user-id: another user cannot read the conversation', async () => {
    const alice = { key: DELEGATE_KEY, headers: { 'x-user-id': 'alice' } };
    const bob = { key: DELEGATE_KEY, headers: { 'x-user-id': 'bob' } };
    const created = await call(gw.url, 'POST', '/v1/conversations', alice);
    const id = created.body.conversationId as string;
    expect((await call(gw.url, 'GET', `/v1/conversations/${id}`, alice)).status).toBe(200);
    await expectEnvelope(await call(gw.url, 'GET', `/v1/conversations/${id}`, bob), 404, 'NOT_FOUND');
    await expectEnvelope(await call(gw.url, 'POST', `/v1/conversations/${id}/messages`, { ...bob, body: { text: 'hi' } }), 404, 'NOT_FOUND');
    await expectEnvelope(await call(gw.url, 'GET', `/v1/conversations/${id}`, { key: USER_KEY }), 404, 'NOT_FOUND');
    expect((await call(gw.url, 'GET', `/v1/conversations/${id}`, { key: ADMIN_KEY })).status).toBe(200);
  });

  it('rejects a malformed x-user-id from a delegate with 400', async () => {
    const res = await call(gw.url, 'POST', '/v1/conversations', { key: DELEGATE_KEY, headers: { 'x-user-id': '../../etc' } });
    await expectEnvelope(res, 400, 'VALIDATION_FAILED');
  });
});

function b64(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}
