import { request as httpRequest } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ErrorEnvelope } from '@supportmesh/contracts';
import { BreakerOpenError, TimeoutError } from '@supportmesh/resilience';
import { createMetrics } from '@supportmesh/telemetry';
import { createCapturingLogger } from '@supportmesh/telemetry/testing';
import { createServiceApp, type ServiceAppOptions } from './app.js';
import { RateLimitedError } from './errors/rate-limited-error.js';
import { UpstreamError } from './errors/upstream-error.js';
import { requireJson } from './json.js';
import { listen, type Listening } from './testing/index.js';
import { validateBody, validateParams, validateQuery } from './validate.js';

const servers: Listening[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const Thing = z.object({ name: z.string().min(1), tags: z.array(z.string()).default([]) });

function build(overrides: Partial<ServiceAppOptions> = {}) {
  const captured = createCapturingLogger('svc');
  const metrics = createMetrics({ service: 'svc', collectDefaults: false });
  const serviceApp = createServiceApp({
    service: 'svc',
    logger: captured.logger,
    metrics,
    configure: (app) => {
      app.post('/v1/things', requireJson(), validateBody(Thing), (req, res) => {
        res.status(201).json({ received: req.body as unknown });
      });
      app.get('/v1/search', validateQuery(z.object({ limit: z.coerce.number().int().min(1).max(20).default(4) })), (req, res) => {
        res.json({ query: req.query });
      });
      app.get('/v1/things/:id', validateParams(z.object({ id: z.string().regex(/^\d+$/, 'must be digits') })), (req, res) => {
        res.json({ id: req.params['id'] });
      });
      app.get('/boom', () => {
        throw new Error('db password=hunter2 at 10.0.0.7');
      });
      app.get('/async-boom', async () => {
        await Promise.resolve();
        throw new TypeError('cannot read properties of undefined (secret stuff)');
      });
      app.get('/limited', () => {
        throw new RateLimitedError(2.2);
      });
      app.get('/upstream', () => {
        throw new UpstreamError({ service: 'critic', reason: 'http_status', status: 500, upstreamCode: 'INTERNAL_ERROR' });
      });
      app.get('/open', () => {
        throw new BreakerOpenError('critic', 12_300);
      });
      app.get('/slow-dep', () => {
        throw new TimeoutError(500);
      });
      const router = express.Router();
      router.put('/items/:id', (_req, res) => {
        res.json({ ok: true });
      });
      app.use('/v2', router);
    },
    ...overrides,
  });
  return { serviceApp, captured, metrics };
}

async function serve(overrides: Partial<ServiceAppOptions> = {}) {
  const built = build(overrides);
  const server = await listen(built.serviceApp.app);
  servers.push(server);
  return { ...built, url: server.url };
}

async function expectEnvelope(res: Response, status: number, code: string): Promise<ErrorEnvelope> {
  expect(res.status).toBe(status);
  const body = ErrorEnvelope.parse(await res.json());
  expect(body.error.code).toBe(code);
  expect(body.error.correlationId).toBe(res.headers.get('x-correlation-id'));
  return body;
}

/** Sends raw bytes (fetch would re-encode strings). */
function rawPost(url: string, body: Buffer, contentType: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('createServiceApp', () => {
  it('answers /health without I/O, with a correlation id and no x-powered-by', async () => {
    const { url } = await serve({ probes: { never: () => new Promise(() => undefined) } });
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a well-formed caller correlation id in headers and error envelopes', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/nope`, { headers: { 'x-correlation-id': 'req-abc-123' } });
    const body = await expectEnvelope(res, 404, 'NOT_FOUND');
    expect(body.error.correlationId).toBe('req-abc-123');
  });

  it('/ready shows every probe and answers 200 only when all pass', async () => {
    let redisUp = true;
    const { url } = await serve({ probes: { redis: async () => redisUp, llm: async () => true } });
    const ok = await fetch(`${url}/ready`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ready', probes: { redis: true, llm: true } });

    redisUp = false;
    const down = await fetch(`${url}/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'not_ready', probes: { redis: false, llm: true }, error: { code: 'NOT_READY' } });
  });

  it('/ready counts a throwing probe and a probe past its deadline as not ready', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let reached!: () => void;
    const hanging = new Promise<void>((r) => (reached = r));
    const { url } = await serve({
      probeTimeoutMs: 2_000,
      probes: {
        cosmos: () => {
          reached();
          return new Promise<boolean>(() => undefined);
        },
        redis: () => Promise.reject(new Error('ECONNREFUSED')),
      },
    });
    const pending = fetch(`${url}/ready`);
    await hanging;
    await vi.advanceTimersByTimeAsync(2_000);
    const res = await pending;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ probes: { cosmos: false, redis: false } });
  });

  it('/ready answers 503 and responses carry Connection: close once draining', async () => {
    const { url, serviceApp } = await serve({ probes: { redis: async () => true } });
    serviceApp.setDraining();
    expect(serviceApp.draining).toBe(true);
    const res = await fetch(`${url}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'draining' });
    expect(res.headers.get('connection')).toBe('close');
  });

  it('/metrics serves Prometheus text with the HTTP metrics', async () => {
    const { url } = await serve();
    await fetch(`${url}/health`);
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('http_server_requests_total{service="svc",route="/health",method="GET",status="200"} 1');
  });

  it('answers 405 with Allow for a known path and the wrong method, including nested routers', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/v1/things`, { method: 'DELETE' });
    await expectEnvelope(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('POST');

    const nested = await fetch(`${url}/v2/items/7`, { method: 'GET' });
    await expectEnvelope(nested, 405, 'METHOD_NOT_ALLOWED');
    expect(nested.headers.get('allow')).toBe('PUT');

    const get = await fetch(`${url}/health`, { method: 'POST' });
    expect(get.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 404 NOT_FOUND for unknown paths', async () => {
    const { url } = await serve();
    await expectEnvelope(await fetch(`${url}/v1/unknown`, { method: 'POST' }), 404, 'NOT_FOUND');
  });

  describe('JSON bodies', () => {
    it('malformed JSON → 400 INVALID_JSON', async () => {
      const { url } = await serve();
      const res = await fetch(`${url}/v1/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": ' });
      await expectEnvelope(res, 400, 'INVALID_JSON');
    });

    it('a non-object top level (strict) → 400 INVALID_JSON', async () => {
      const { url } = await serve();
      const res = await fetch(`${url}/v1/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"text"' });
      await expectEnvelope(res, 400, 'INVALID_JSON');
    });

    it('a body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
      const { url } = await serve({ bodyLimit: '1kb' });
      const res = await fetch(`${url}/v1/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x'.repeat(2_000) }),
      });
      await expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('the default limit is 64 kB', async () => {
      const { url } = await serve();
      const body = (n: number) => JSON.stringify({ name: 'x'.repeat(n) });
      const small = await fetch(`${url}/v1/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(60_000) });
      expect(small.status).toBe(201);
      const big = await fetch(`${url}/v1/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(70_000) });
      expect(big.status).toBe(413);
    });

    it('invalid UTF-8 → 400 INVALID_JSON, not 500', async () => {
      const { url } = await serve();
      const bytes = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
      const res = await rawPost(`${url}/v1/things`, bytes, 'application/json');
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'INVALID_JSON' } });
    });

    it('a non-JSON content type on a JSON route → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const { url } = await serve();
      const res = await fetch(`${url}/v1/things`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'name=x' });
      await expectEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('an unsupported charset → 415', async () => {
      const { url } = await serve();
      const res = await rawPost(`${url}/v1/things`, Buffer.from('{"name":"x"}'), 'application/json; charset=latin1');
      expect(res.status).toBe(415);
      expect(res.json).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    });
  });

  describe('validation', () => {
    it('answers 400 VALIDATION_FAILED with every field error', async () => {
      const { url } = await serve();
      const res = await fetch(`${url}/v1/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '', tags: ['ok', 3] }),
      });
      const body = await expectEnvelope(res, 400, 'VALIDATION_FAILED');
      const details = body.error.details as Array<{ path: string; message: string }>;
      expect(details.map((d) => d.path).sort()).toEqual(['name', 'tags.1']);
      expect(details.every((d) => typeof d.message === 'string' && d.message.length > 0)).toBe(true);
    });

    it('replaces the body with the parsed data (defaults applied, unknown keys dropped)', async () => {
      const { url } = await serve();
      const res = await fetch(`${url}/v1/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'a', extra: true }),
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ received: { name: 'a', tags: [] } });
    });

    it('a JSON route without a body fails validation', async () => {
      const { url } = await serve();
      await expectEnvelope(await fetch(`${url}/v1/things`, { method: 'POST' }), 400, 'VALIDATION_FAILED');
    });

    it('validates and coerces the query and the params', async () => {
      const { url } = await serve();
      expect(await (await fetch(`${url}/v1/search?limit=7`)).json()).toEqual({ query: { limit: 7 } });
      expect(await (await fetch(`${url}/v1/search`)).json()).toEqual({ query: { limit: 4 } });
      await expectEnvelope(await fetch(`${url}/v1/search?limit=99`), 400, 'VALIDATION_FAILED');
      expect(await (await fetch(`${url}/v1/things/42`)).json()).toEqual({ id: '42' });
      const bad = await expectEnvelope(await fetch(`${url}/v1/things/abc`), 400, 'VALIDATION_FAILED');
      expect(bad.error.details).toEqual([{ path: 'id', message: 'must be digits' }]);
    });

    it('a malformed %-escape in a path parameter → 400, not 500', async () => {
      const { url } = await serve();
      await expectEnvelope(await fetch(`${url}/v1/things/%E0%A4%A`), 400, 'BAD_REQUEST');
    });
  });

  describe('errors', () => {
    it('unexpected errors → 500 INTERNAL_ERROR without their message, logged with the correlation id', async () => {
      const { url, captured } = await serve();
      for (const path of ['/boom', '/async-boom']) {
        const res = await fetch(`${url}${path}`, { headers: { 'x-correlation-id': `corr-${path.slice(1)}` } });
        const text = await res.text();
        expect(res.status).toBe(500);
        expect(text).not.toMatch(/hunter2|secret|TypeError|at /);
        expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error', correlationId: `corr-${path.slice(1)}` } });
      }
      const logged = captured.records().filter((r) => r['msg'] === 'unexpected error');
      expect(logged.map((r) => r['correlationId'])).toEqual(['corr-boom', 'corr-async-boom']);
    });

    it('typed errors keep their status, code and headers', async () => {
      const { url } = await serve();
      const limited = await fetch(`${url}/limited`);
      await expectEnvelope(limited, 429, 'RATE_LIMITED');
      expect(limited.headers.get('retry-after')).toBe('3');

      const open = await fetch(`${url}/open`);
      await expectEnvelope(open, 503, 'CIRCUIT_OPEN');
      expect(open.headers.get('retry-after')).toBe('13');

      await expectEnvelope(await fetch(`${url}/slow-dep`), 504, 'TIMEOUT');
    });

    it('an upstream failure → 502 UPSTREAM_ERROR without the upstream message', async () => {
      const { url } = await serve();
      const body = await expectEnvelope(await fetch(`${url}/upstream`), 502, 'UPSTREAM_ERROR');
      expect(body.error.message).toBe('A dependency failed');
      expect(JSON.stringify(body)).not.toContain('critic');
    });
  });
});
