import { createHmac } from 'node:crypto';
import { AdminConfigPatch, ChatRequest, EmailWebhook, ErrorEnvelope, MessageRequest, ShopifyWebhook, ZendeskWebhook } from '@supportmesh/contracts';
import { send, type LoadRequest } from '../lib/load.js';
import { rawExchange, rawRequest } from '../lib/raw.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import { REPLICAS, type World } from '../lib/world.js';
import type { RunOptions } from './options.js';

interface FuzzCase {
  readonly family: string;
  readonly name: string;
  /** Sent with undici, or as raw bytes (things undici refuses to send). */
  readonly req?: LoadRequest;
  readonly raw?: Buffer;
  /** Value the response's x-correlation-id must not echo. */
  readonly injected?: string;
}

interface BodyRoute {
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  /** The top-level field the schema requires (for wrong-type cases). */
  readonly field: string;
  readonly valid: Record<string, unknown>;
  /** Signs the raw body (Shopify) instead of an API key. */
  readonly shopify?: boolean;
  /** The contract the route validates with: a generated body it accepts is not a bad request and is skipped. */
  readonly schema: { safeParse(v: unknown): { success: boolean } };
  /** The route's body limit in bytes. */
  readonly limit: number;
}

/** What the telemetry package accepts as a correlation id (printable ASCII, no spaces, ≤ 128): never CR/LF. */
const CORRELATION_SAFE = /^[\x21-\x7E]{1,128}$/;

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * ≥ 1,000 generated bad requests over every public endpoint of the gateway: malformed JSON, wrong types, huge
 * strings, deep nesting, invalid UTF-8, wrong content types, oversize bodies, header injection in
 * X-Correlation-Id, path traversal in ids, wrong methods, prototype-pollution keys, HTTP-level garbage.
 */
export function fuzzCases(w: World, conversationId: string, seed = 9): FuzzCase[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const admin = { 'x-api-key': w.creds.adminKey };
  const KB = 1024;
  const routes: BodyRoute[] = [
    { method: 'POST', path: '/v1/chat', field: 'message', valid: { message: 'Where is my order?' }, schema: ChatRequest, limit: 64 * KB },
    { method: 'POST', path: `/v1/conversations/${conversationId}/messages`, field: 'text', valid: { text: 'Where is my order?' }, schema: MessageRequest, limit: 64 * KB },
    { method: 'POST', path: '/v1/channels/email', field: 'text', valid: { from: 'a@example.com', text: 'hi' }, schema: EmailWebhook, limit: 64 * KB },
    { method: 'POST', path: '/v1/channels/zendesk', field: 'ticket', valid: { ticket: { id: 1, description: 'hi' } }, schema: ZendeskWebhook, limit: 256 * KB },
    { method: 'POST', path: '/v1/channels/shopify', field: 'id', valid: { id: 1, note: 'hi' }, shopify: true, schema: ShopifyWebhook, limit: 256 * KB },
    { method: 'PUT', path: '/v1/admin/config', field: 'rateLimitPerMinute', valid: { rateLimitPerMinute: 10 }, schema: AdminConfigPatch, limit: 64 * KB },
    { method: 'PATCH', path: '/v1/admin/config', field: 'rateLimitPerMinute', valid: { rateLimitPerMinute: 10 }, schema: AdminConfigPatch, limit: 64 * KB },
  ];
  /** Whether the route would accept this body (then it is no bad request and is not sent). */
  const accepted = (r: BodyRoute, b: string | Buffer, contentType: string): boolean => {
    if (!/^application\/json\b/i.test(contentType)) return false;
    // The signed-webhook routes parse the raw bytes as UTF-8 whatever charset is declared.
    const rawRoute = r.shopify === true || r.path.includes('/channels/zendesk');
    if (!rawRoute && /charset=(?!utf-8)/i.test(contentType)) return false;
    if (Buffer.byteLength(b) > r.limit) return false;
    try {
      return r.schema.safeParse(JSON.parse(Buffer.isBuffer(b) ? b.toString('utf8') : b)).success;
    } catch {
      return false;
    }
  };
  const cases: FuzzCase[] = [];
  const headersFor = (r: BodyRoute, body: string | Buffer, contentType = 'application/json', extra: Record<string, string> = {}) => {
    const h: Record<string, string> = { ...(contentType ? { 'content-type': contentType } : {}), ...extra };
    if (r.shopify) h['x-shopify-hmac-sha256'] = createHmac('sha256', w.creds.shopifySecret).update(body).digest('base64');
    else Object.assign(h, admin);
    return h;
  };
  const body = (r: BodyRoute, family: string, name: string, b: string | Buffer, contentType = 'application/json', extra?: Record<string, string>) =>
    !accepted(r, b, contentType) &&
    cases.push({ family, name: `${r.method} ${r.path.replace(conversationId, ':id')} ${name}`, req: { method: r.method, path: r.path, headers: headersFor(r, b, contentType, extra), body: b } });

  const malformed = ['{', '}', '{"a":', '{"text": "unterminated', "{'single': 'quotes'}", '{text: 1}', '{"a":1,}', '[1,2', 'nul', 'tru', '{"a":1}}', '\u0000{}', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":01}', '{"a":NaN}', '{"a":Infinity}', '{"a":-}', '{"a" 1}', '{"a":1 "b":2}', '{"a":"\t"}', ' '];
  const wrongType = (field: string): unknown[] => [
    { [field]: 123 },
    { [field]: null },
    { [field]: true },
    { [field]: [] },
    { [field]: ['Where is my order?'] },
    { [field]: {} },
    { [field]: -1.5 },
    { [field]: 1e308 },
    { [field]: '' },
    { [field]: '   ' },
    { [field]: '10' },
    { [field]: 0 },
    { [field]: { $ne: null } },
    { [field]: [[[]]] },
    { [field]: 'a'.repeat(5000) },
  ];
  for (const r of routes) {
    for (const m of malformed) body(r, 'malformed JSON', JSON.stringify(m).slice(0, 30), m);
    for (const v of wrongType(r.field)) body(r, 'wrong types', JSON.stringify(v).slice(0, 40), JSON.stringify({ ...r.valid, ...(v as object) }));
    const validText = JSON.stringify(r.valid);
    for (let k = 0; k < 40; k++) {
      const chars = [...validText];
      for (let m = 0; m < 1 + Math.floor(rnd() * 3); m++) {
        const at = Math.floor(rnd() * chars.length);
        const op = rnd();
        if (op < 0.4) chars.splice(at, 1);
        else if (op < 0.8) chars.splice(at, 0, pick(['{', '}', '"', ':', ',', '[', ']', '\\', '\u0001', 'x', '0']));
        else chars[at] = pick(['"', '{', '}', ':', ' ']);
      }
      body(r, 'mutated JSON', `mutation #${k}`, chars.join(''));
    }
    for (const top of ['null', '"a string"', '42', 'true', '[]', '[{"text":"hi"}]']) body(r, 'wrong types', `top-level ${top}`, top);
    body(r, 'wrong types', 'unknown extra key', JSON.stringify({ ...r.valid, isAdmin: true, role: 'admin' }).replace('"role":"admin"', '"role":{"$gt":""}') + '');
    // Huge strings: over the 4,000-char message limit; long keys; many keys.
    body(r, 'huge strings', '4001 chars', JSON.stringify({ ...r.valid, [r.field]: 'a'.repeat(4001) }));
    body(r, 'huge strings', '60k chars', JSON.stringify({ ...r.valid, [r.field]: 'x'.repeat(60_000) }));
    body(r, 'huge strings', '12k emoji', JSON.stringify({ ...r.valid, [r.field]: '😀'.repeat(12_000) }));
    body(r, 'huge strings', '10k-char key', JSON.stringify({ ...r.valid, ['k'.repeat(10_000)]: 1 }));
    body(r, 'huge strings', '5000 keys', JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))));
    body(r, 'huge strings', '1e6-digit number', `{"${r.field}": ${'9'.repeat(50_000)}}`);
    // Deep nesting.
    for (const depth of [100, 1000, 5000, 20_000]) {
      body(r, 'deep nesting', `arrays depth ${depth}`, `{"${r.field}":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      body(r, 'deep nesting', `objects depth ${depth}`, `{"${r.field}":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`);
    }
    // Invalid UTF-8 (in keys, outside strings, overlong encodings, lone surrogates).
    const bad = [Buffer.from([0xff, 0xfe]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0x80])];
    for (const [i, b] of bad.entries()) {
      body(r, 'invalid UTF-8', `in a key #${i}`, Buffer.concat([Buffer.from('{"'), b, Buffer.from('":1}')]));
      body(r, 'invalid UTF-8', `outside strings #${i}`, Buffer.concat([Buffer.from('{"a":'), b, Buffer.from('}')]));
      body(r, 'invalid UTF-8', `as the whole body #${i}`, b);
    }
    body(r, 'invalid UTF-8', 'UTF-16 body', Buffer.from(JSON.stringify(r.valid), 'utf16le'));
    body(r, 'invalid UTF-8', 'charset=klingon declared', JSON.stringify(r.valid), 'application/json; charset=klingon');
    // Wrong content types.
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', 'application/octet-stream', 'image/png', 'application/jsonx', '*/*', 'application/json-seq']) {
      body(r, 'wrong content types', ct, ct.startsWith('application/x-www') ? 'text=hi&message=hi' : '<text>hi</text>', ct);
    }
    body(r, 'wrong content types', 'no content-type, JSON-looking body', '{"text":', '');
    // Oversize bodies (the JSON limit is 64 kB; webhooks 256 kB).
    for (const size of [70_000, 300_000, 1_200_000, 5_000_000].filter((n) => n > r.limit)) body(r, 'oversize bodies', `${size} bytes`, JSON.stringify({ ...r.valid, pad: 'p'.repeat(size) }));
    // Header injection in X-Correlation-Id (with an invalid body, so the answer is a 4xx).
    const injections = ['<script>alert(1)</script>', '../../etc/passwd', '${jndi:ldap://127.0.0.1/a}', "'; DROP TABLE users; --", 'a'.repeat(5000), ' ', '%0d%0aSet-Cookie:%20x=1', 'id with spaces', '{"json":true}', 'x'.repeat(129)];
    for (const inj of injections) {
      const b = '{"bad":';
      cases.push({
        family: 'header injection',
        name: `${r.method} ${r.path.replace(conversationId, ':id')} x-correlation-id ${JSON.stringify(inj).slice(0, 30)}`,
        req: { method: r.method, path: r.path, headers: headersFor(r, b, 'application/json', { 'x-correlation-id': inj }), body: b },
        injected: inj,
      });
    }
    // Prototype pollution.
    for (const p of ['{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{"role":"admin"}}}', `{"${r.field}":{"__proto__":{"x":1}}}`]) body(r, 'wrong types', `pollution ${p.slice(0, 25)}`, p);
  }

  // Routes without a body schema: only broken bodies.
  for (const path of ['/v1/conversations', `/v1/conversations/${conversationId}/end`]) {
    for (const m of malformed.slice(0, 12)) cases.push({ family: 'malformed JSON', name: `POST ${path} ${JSON.stringify(m).slice(0, 20)}`, req: { method: 'POST', path, headers: { ...admin, 'content-type': 'application/json' }, body: m } });
    for (const size of [70_000, 1_200_000]) cases.push({ family: 'oversize bodies', name: `POST ${path} ${size}`, req: { method: 'POST', path, headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'p'.repeat(size) }) } });
  }

  // Path traversal and bad ids.
  const ids = [
    '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2fadmin', '....%2F%2F....%2F%2Fetc', '..%5C..%5Cwindows', 'a%00b', '%00', 'x'.repeat(129), '%C3%BC', '%252e%252e%252f',
    '%E2%80%AE', 'a%20b', '%3Cscript%3E', '%7B%7D', 'a.b', 'a:b', '%2F', '%FF%FE', "'%20OR%201=1", '$where', 'a*', '..;', '%u002e%u002e', '~root', 'a%0d%0ab',
  ];
  // Sent as raw bytes: an HTTP client would normalise `..` and `%2e%2e` away before sending.
  const adminRaw: [string, string][] = [['x-api-key', w.creds.adminKey]];
  for (const id of ids) {
    cases.push({ family: 'path traversal', name: `GET /v1/conversations/${id.slice(0, 20)}`, raw: rawRequest('GET', `/v1/conversations/${id}`, adminRaw) });
    cases.push({ family: 'path traversal', name: `POST …/${id.slice(0, 20)}/messages`, raw: rawRequest('POST', `/v1/conversations/${id}/messages`, [...adminRaw, ['content-type', 'application/json']], '{"text":"hi"}') });
    cases.push({ family: 'path traversal', name: `POST …/${id.slice(0, 20)}/end`, raw: rawRequest('POST', `/v1/conversations/${id}/end`, adminRaw) });
    cases.push({ family: 'path traversal', name: `GET /v1/conversations/${id.slice(0, 20)}/../../admin/config`, raw: rawRequest('GET', `/v1/conversations/${id}/../../v1/admin/config`, [['x-api-key', w.creds.userKey]]) });
  }
  for (const p of ['/v1/conversations/../admin/config', '/v1/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/v1/conversations/%2e%2e/%2e%2e/metrics', '/app.js/..%2F..%2Fpackage.json', '/..%2Fpackage.json', '/..%2F..%2Fsrc%2Fmain.ts', '/public/../package.json', '/%2e%2e%2fpackage.json', '/.env', '/.git/config', '/node_modules/.bin/tsx']) {
    cases.push({ family: 'path traversal', name: `GET ${p}`, raw: rawRequest('GET', p, [['x-api-key', w.creds.userKey]]) });
  }

  // Wrong methods.
  for (const path of ['/v1/chat', '/v1/conversations', `/v1/conversations/${conversationId}/messages`, '/v1/channels/email', '/v1/admin/config', '/v1/registry', '/api/v1/pool/stats']) {
    for (const method of ['DELETE', 'PUT', 'PATCH'] as const) {
      if (path === '/v1/admin/config' && method !== 'DELETE') continue;
      cases.push({ family: 'wrong methods', name: `${method} ${path.replace(conversationId, ':id')}`, req: { method, path, headers: { ...admin, 'content-type': 'application/json' }, body: '{}' } });
    }
  }

  // HTTP-level garbage undici will not send (raw bytes).
  const chat = '/v1/chat';
  const bad = '{"bad":';
  const rawCases: [string, Buffer, string?][] = [
    ['CRLF in x-correlation-id', rawRequest('POST', chat, [['x-api-key', w.creds.adminKey], ['content-type', 'application/json'], ['X-Correlation-Id', 'abc\r\nX-Injected: yes']], bad), 'abc'],
    ['UTF-8 bytes in x-correlation-id', rawRequest('POST', chat, [['x-api-key', w.creds.adminKey], ['content-type', 'application/json'], ['X-Correlation-Id', Buffer.from('üñí€😀', 'utf8')]], bad)],
    ['NUL in x-correlation-id', rawRequest('POST', chat, [['x-api-key', w.creds.adminKey], ['content-type', 'application/json'], ['X-Correlation-Id', 'a\u0000b']], bad)],
    ['bare LF in a header', rawRequest('POST', chat, [['x-api-key', w.creds.adminKey], ['content-type', 'application/json'], ['X-Correlation-Id', 'a\nb']], bad)],
    ['20 kB x-correlation-id', rawRequest('POST', chat, [['x-api-key', w.creds.adminKey], ['content-type', 'application/json'], ['X-Correlation-Id', 'c'.repeat(20_000)]], bad)],
    ['Content-Length and Transfer-Encoding', rawRequest('POST', chat, [['x-api-key', w.creds.adminKey], ['content-type', 'application/json'], ['Content-Length', '4'], ['Transfer-Encoding', 'chunked']], '0\r\n\r\n')],
    ['bad chunk size', rawRequest('POST', chat, [['x-api-key', w.creds.adminKey], ['content-type', 'application/json'], ['Transfer-Encoding', 'chunked']], 'zz\r\n{}\r\n0\r\n\r\n')],
    ['negative Content-Length', rawRequest('POST', chat, [['x-api-key', w.creds.adminKey], ['content-type', 'application/json'], ['Content-Length', '-1']], '{}')],
    ['space in request path', Buffer.from(`POST /v1/chat /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`, 'latin1')],
    ['HTTP/0.9 style', Buffer.from('POST /v1/chat\r\n\r\n', 'latin1')],
    ['unknown HTTP version', Buffer.from('GET /v1/registry HTTP/7.3\r\nHost: a\r\nConnection: close\r\n\r\n', 'latin1')],
    ['header without colon', Buffer.from(`GET /v1/registry HTTP/1.1\r\nHost: a\r\nthis is not a header\r\nConnection: close\r\n\r\n`, 'latin1')],
    ['obs-fold header', Buffer.from(`POST /v1/chat HTTP/1.1\r\nHost: a\r\nx-api-key: ${w.creds.adminKey}\r\nX-Correlation-Id: a\r\n b\r\nContent-Length: 7\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${bad}`, 'latin1')],
    ['500 headers', Buffer.from(`GET /v1/registry HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 500 }, (_, i) => `x-h${i}: ${i}`).join('\r\n')}\r\nConnection: close\r\n\r\n`, 'latin1')],
  ];
  for (const [name, raw, injected] of rawCases) cases.push({ family: 'HTTP-level garbage', name, raw, ...(injected ? { injected } : {}) });

  // Shuffle deterministically so families interleave.
  for (let i = cases.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [cases[i], cases[j]] = [cases[j] as FuzzCase, cases[i] as FuzzCase];
  }
  return cases;
}

/**
 * 9. Bad input fuzz: every answer a 4xx in the error envelope (with a safe correlation id), no 5xx, and every
 * process still alive and healthy afterwards.
 */
export async function badInputFuzz(w: World, _o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const exitsBefore = w.unexpectedExits.length;
  const created = await send(w.agent, w.gatewayUrl, { method: 'POST', path: '/v1/conversations', headers: { 'x-api-key': w.creds.adminKey } });
  const conversationId = (created.json as { conversationId?: string } | undefined)?.conversationId ?? '00000000-0000-4000-8000-000000000000';
  const cases = fuzzCases(w, conversationId);
  const adminBefore = (await send(w.agent, w.gatewayUrl, { method: 'GET', path: '/v1/admin/config', headers: { 'x-api-key': w.creds.adminKey } })).json;
  const port = w.port('gateway');

  const bad: { family: string; name: string; status: number | string; why: string }[] = [];
  const byFamily: Record<string, { n: number; statuses: Record<string, number> }> = {};
  let fiveXx = 0;
  let i = 0;
  const worker = async () => {
    for (;;) {
      const c = cases[i++];
      if (!c) return;
      let status: number | undefined;
      let json: unknown;
      let corr: string | undefined;
      let error: string | undefined;
      if (c.req) {
        const s = await send(w.agent, w.gatewayUrl, c.req, 0, 15_000);
        status = s.status;
        json = s.json;
        const h = s.headers?.['x-correlation-id'];
        corr = Array.isArray(h) ? h[0] : h;
        error = s.error;
      } else if (c.raw) {
        const r = await rawExchange(port, c.raw);
        status = r.status;
        corr = r.headers['x-correlation-id'];
        error = r.noAnswer ? 'NO_ANSWER' : undefined;
        try {
          json = JSON.parse(r.body);
        } catch {
          json = undefined;
        }
      }
      const fam = (byFamily[c.family] ??= { n: 0, statuses: {} });
      fam.n++;
      const key = String(status ?? error);
      fam.statuses[key] = (fam.statuses[key] ?? 0) + 1;
      if (status !== undefined && status >= 500) fiveXx++;
      const env = ErrorEnvelope.safeParse(json);
      let why = '';
      if (status === undefined) why = `no answer (${error})`;
      else if (status < 400 || status > 499) why = `status ${status}`;
      else if (!env.success) why = 'not in the error envelope';
      else if (corr !== undefined && !CORRELATION_SAFE.test(corr)) why = 'unsafe x-correlation-id echoed';
      else if (c.injected !== undefined && corr === c.injected && !CORRELATION_SAFE.test(c.injected)) why = 'injected correlation id echoed';
      else if (env.data.error.correlationId !== corr) why = 'envelope correlationId differs from header';
      if (why) bad.push({ family: c.family, name: c.name, status: status ?? error ?? '?', why });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));

  // A fuzz body the contract happens to accept could change the admin config: put it back.
  const restored = await send(w.agent, w.gatewayUrl, { method: 'PUT', path: '/v1/admin/config', headers: w.adminHeaders(), body: JSON.stringify(adminBefore) });
  checks.add('admin config unchanged (restored)', restored.status === 200 && JSON.stringify(restored.json) === JSON.stringify(adminBefore), restored.json);

  // Every process still healthy: /health on each replica through a connection pinned to it.
  const health: Record<string, number | string> = {};
  for (const name of Object.keys(REPLICAS)) {
    for (const pid of w.pids(name)) {
      try {
        const conn = await w.pin(name, pid);
        health[`${name}:${pid}`] = (await conn.get('/health')).status;
        conn.close();
      } catch (err) {
        health[`${name}:${pid}`] = String((err as Error).message);
      }
    }
  }
  const unhealthy = Object.entries(health).filter(([, s]) => s !== 200);
  const exits = w.unexpectedExits.slice(exitsBefore);
  checks.add('at least 1,000 bad requests', cases.length >= 1000, cases.length);
  checks.add('no 5xx', fiveXx === 0, fiveXx);
  checks.add('every answer a 4xx in the envelope', bad.length === 0, bad.slice(0, 40));
  checks.add('every process alive and healthy', unhealthy.length === 0 && exits.length === 0, { unhealthy, exits });
  return {
    scenario: '9 bad input fuzz',
    figure: `${cases.length} bad requests: ${cases.length - bad.length} 4xx in envelope, ${fiveXx} 5xx, ${bad.length} off-contract; ${Object.keys(health).length - unhealthy.length}/${Object.keys(health).length} processes healthy`,
    pass: checks.pass,
    details: { total: cases.length, byFamily, offContract: bad, health, exits, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}
