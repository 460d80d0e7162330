import { createHmac } from 'node:crypto';
import { ErrorEnvelope } from '@supportmesh/contracts';
import { ingressMatches, ingressPaths } from '../lib/ingress.js';
import { send, type LoadSample } from '../lib/load.js';
import { REPO_ROOT } from '../lib/stack.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import { PII, type World } from '../lib/world.js';
import type { RunOptions } from './options.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';
interface Route {
  readonly method: Method;
  readonly path: string;
  readonly body?: unknown;
  readonly admin?: boolean;
  /** `:id` is replaced by a conversation the credential owns. */
  readonly needsConversation?: boolean;
}

/** Every authenticated route of the gateway with a request that is valid once authenticated. */
export const AUTH_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/v1/conversations' },
  { method: 'POST', path: '/v1/conversations/:id/messages', body: { text: 'Where is my order?' }, needsConversation: true },
  { method: 'GET', path: '/v1/conversations/:id', needsConversation: true },
  { method: 'POST', path: '/v1/conversations/:id/end', needsConversation: true },
  { method: 'POST', path: '/v1/chat', body: { message: 'How do I return an item?' } },
  { method: 'POST', path: '/v1/channels/email', body: { from: PII.email, subject: 'Order', text: 'Where is my order?' } },
  { method: 'POST', path: '/v1/channels/zendesk', body: { ticket: { id: 4242, description: 'Where is my parcel?' } } },
  { method: 'GET', path: '/v1/registry' },
  { method: 'GET', path: '/api/v1/pool/stats' },
  { method: 'GET', path: '/v1/admin/config', admin: true },
  { method: 'PUT', path: '/v1/admin/config', body: {}, admin: true },
  { method: 'PATCH', path: '/v1/admin/config', body: {}, admin: true },
];

/** Unauthenticated by design (probes). */
const OPEN_ROUTES = ['/health', '/ready', '/metrics'];
/** The web chat page (DESIGN: served by the gateway at `/`); unauthenticated, it asks for a key. */
const WEB_PAGE = ['/', '/app.js', '/styles.css', '/ui-config'];

/**
 * 10. Auth matrix: every route × {no credentials, wrong key, wrong bearer, expired JWT, JWT signed with another
 * secret, unsigned JWT, user key, user JWT, admin key, admin JWT}: 401 exactly for the invalid ones, 403 exactly for
 * users on admin routes; only /health, /ready, /metrics (and the web page) answer without credentials; no ingress
 * path of the synthesized manifests routes /metrics; Shopify webhooks with a bad HMAC are refused.
 */
export async function authMatrix(w: World, _o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const url = w.gatewayUrl;
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  const invalid: Record<string, Record<string, string>> = {
    none: {},
    'wrong key': { 'x-api-key': 'sm_wrong_key_0123456789abcdef0123' },
    'wrong bearer': { authorization: 'Bearer sm_wrong_key_0123456789abcdef0123' },
    'expired JWT': { authorization: `Bearer ${await w.jwt({ role: 'admin', expSec: now - 300 })}` },
    'forged JWT (other secret)': { authorization: `Bearer ${await w.jwt({ role: 'admin', secret: 'another-secret-that-is-long-enough-0123456789' })}` },
    'unsigned JWT (alg none)': { authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin', exp: now + 600, iss: w.creds.jwtIssuer, aud: w.creds.jwtAudience })}.` },
    'JWT for another audience': { authorization: `Bearer ${await w.jwt({ role: 'admin', audience: 'someone-else' })}` },
  };
  const valid: Record<string, { headers: Record<string, string>; admin: boolean }> = {
    'user key': { headers: { 'x-api-key': w.creds.userKey }, admin: false },
    'user JWT': { headers: { authorization: `Bearer ${await w.jwt({ role: 'user', sub: 'faults-jwt-user' })}` }, admin: false },
    'admin key': { headers: { 'x-api-key': w.creds.adminKey }, admin: true },
    'admin JWT': { headers: { authorization: `Bearer ${await w.jwt({ role: 'admin', sub: 'faults-jwt-admin' })}` }, admin: true },
  };

  const call = (method: Method, path: string, headers: Record<string, string>, body?: unknown): Promise<LoadSample> =>
    send(w.agent, url, {
      method,
      path,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const matrix: { route: string; cred: string; status: number | string; expected: string; ok: boolean }[] = [];
  const record = (route: Route, cred: string, s: LoadSample, expected: string, ok: boolean) =>
    matrix.push({ route: `${route.method} ${route.path}`, cred, status: s.status ?? s.error ?? '?', expected, ok });

  // Invalid credentials: 401 in the envelope with WWW-Authenticate, on every route.
  const someId = '00000000-0000-4000-8000-000000000000';
  for (const [cred, headers] of Object.entries(invalid)) {
    for (const route of AUTH_ROUTES) {
      const s = await call(route.method, route.path.replace(':id', someId), headers, route.body);
      const env = ErrorEnvelope.safeParse(s.json);
      const ok = s.status === 401 && env.success && env.data.error.code === 'UNAUTHENTICATED' && typeof s.headers?.['www-authenticate'] === 'string';
      record(route, cred, s, '401', ok);
    }
  }
  // Valid credentials: users get 403 on admin routes; everything else is served.
  for (const [cred, { headers, admin }] of Object.entries(valid)) {
    const created = await call('POST', '/v1/conversations', headers);
    const conversationId = (created.json as { conversationId?: string } | undefined)?.conversationId ?? someId;
    for (const route of AUTH_ROUTES) {
      if (route.path.endsWith('/end')) continue; // ended last (below), the other routes need it open
      const s = await call(route.method, route.path.replace(':id', conversationId), headers, route.body);
      if (route.admin && !admin) {
        const env = ErrorEnvelope.safeParse(s.json);
        record(route, cred, s, '403', s.status === 403 && env.success && env.data.error.code === 'FORBIDDEN');
      } else {
        record(route, cred, s, '2xx', s.status !== undefined && s.status >= 200 && s.status < 300);
      }
    }
    const end = AUTH_ROUTES.find((r) => r.path.endsWith('/end')) as Route;
    const s = await call('POST', end.path.replace(':id', conversationId), headers);
    record(end, cred, s, '2xx', s.status !== undefined && s.status >= 200 && s.status < 300);
  }
  const wrong = matrix.filter((m) => !m.ok);
  checks.add('401/403 exactly where due, served otherwise', wrong.length === 0, wrong.slice(0, 20));

  // Only the probes (and the web page) answer without credentials.
  const open: Record<string, number | string> = {};
  for (const p of [...OPEN_ROUTES, ...WEB_PAGE]) {
    const s = await call('GET', p, {});
    open[p] = s.status ?? s.error ?? '?';
  }
  checks.add('/health, /ready, /metrics answer without credentials', OPEN_ROUTES.every((p) => open[p] === 200), open);

  // /metrics is not routed by any ingress.
  let ingress: { file: string; path: string; pathType: string }[] = [];
  let ingressError: string | undefined;
  try {
    ingress = (await ingressPaths(REPO_ROOT)).map(({ file, path, pathType }) => ({ file, path, pathType }));
  } catch (err) {
    ingressError = String((err as Error).message).slice(0, 300);
  }
  const exposing = ingress.filter((p) => ingressMatches(p, '/metrics'));
  checks.add('manifests found with an ingress', ingress.length > 0 && ingress.some((p) => p.file.startsWith('prod/')), ingressError ?? ingress.length);
  checks.add('no ingress path routes /metrics', exposing.length === 0, exposing);

  // Shopify: HMAC over the raw body.
  const shopifyBody = JSON.stringify({ id: 987654, note: 'Where is my order?', customer: { email: PII.email } });
  const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
  const shopify = async (body: string, header?: string) =>
    send(w.agent, url, {
      method: 'POST',
      path: '/v1/channels/shopify',
      headers: { 'content-type': 'application/json', ...(header === undefined ? {} : { 'x-shopify-hmac-sha256': header }) },
      body,
    });
  const shop = {
    missing: (await shopify(shopifyBody)).status,
    wrongSecret: (await shopify(shopifyBody, hmac('not-the-shopify-secret-0123456789', shopifyBody))).status,
    tamperedBody: (await shopify(shopifyBody.replace('987654', '987655'), hmac(w.creds.shopifySecret, shopifyBody))).status,
    garbage: (await shopify(shopifyBody, 'not base64 at all!')).status,
    valid: (await shopify(shopifyBody, hmac(w.creds.shopifySecret, shopifyBody))).status,
  };
  checks.add('Shopify: bad or missing HMAC → 401', [shop.missing, shop.wrongSecret, shop.tamperedBody, shop.garbage].every((s) => s === 401), shop);
  checks.add('Shopify: valid HMAC accepted', shop.valid === 200 || shop.valid === 202, shop);

  const cells = matrix.length;
  return {
    scenario: '10 auth matrix',
    figure: `${cells - wrong.length}/${cells} route×credential cells as due; /metrics on ${exposing.length} ingress paths; Shopify bad HMAC → ${shop.wrongSecret}`,
    pass: checks.pass,
    details: { wrong, open, webPageUnauthenticated: WEB_PAGE, ingress, shopify: shop, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}
