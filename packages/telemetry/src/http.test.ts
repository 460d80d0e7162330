import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { request as httpRequest, type Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { CORRELATION_HEADER, getCorrelationId } from './context.js';
import { correlationMiddleware } from './correlation.js';
import { httpMetricsMiddleware } from './http-metrics.js';
import { createMetrics, type HttpLabels, type Metrics } from './metrics.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

interface Harness {
  readonly url: string;
  readonly metrics: Metrics;
  /** Resolves the next time a handler under `/slow` starts. */
  readonly slowStarted: Promise<void>;
}

async function start(): Promise<Harness> {
  const metrics = createMetrics({ service: 'test-svc', collectDefaults: false });
  const app = express();
  let signalStarted!: () => void;
  const slowStarted = new Promise<void>((r) => (signalStarted = r));
  app.use(correlationMiddleware());
  app.use(httpMetricsMiddleware(metrics));
  app.use(express.json());

  const conversations = express.Router();
  conversations.post('/:id/messages', (req, res) => {
    res.json({ id: req.params['id'], correlationId: getCorrelationId(), text: (req.body as { text?: string }).text });
  });
  conversations.get('/:id/boom', () => {
    throw new Error('handler failed');
  });
  conversations.get('/:id/async-boom', async () => {
    await new Promise((r) => setImmediate(r));
    throw new Error('async handler failed');
  });
  app.use('/v1/conversations', conversations);

  app.get('/whoami', async (_req, res) => {
    await new Promise((r) => setTimeout(r, 1));
    res.json({ correlationId: getCorrelationId() });
  });
  app.get('/slow', (_req, res) => {
    signalStarted();
    const t = setTimeout(() => res.json({ late: true }), 5_000);
    res.on('close', () => clearTimeout(t));
  });
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: { code: 'INTERNAL', message: 'Internal error', correlationId: getCorrelationId() } });
  });

  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, metrics, slowStarted };
}

async function inFlight(metrics: Metrics): Promise<number> {
  const m = await metrics.httpInFlight.get();
  return m.values.find((v) => v.labels['service'] === 'test-svc')?.value ?? Number.NaN;
}

async function requestCount(metrics: Metrics, labels: Partial<Record<HttpLabels, string>>): Promise<number> {
  const m = await metrics.httpRequestsTotal.get();
  const wanted = Object.entries(labels) as [HttpLabels, string][];
  return m.values
    .filter((v) => wanted.every(([k, val]) => v.labels[k] === val))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Waits (bounded) until the server has seen the request end. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not reached');
}

describe('correlationMiddleware', () => {
  it('echoes a well-formed incoming correlation id and exposes it to handlers across awaits', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/whoami`, { headers: { 'X-Correlation-Id': 'abc-123_XYZ' } });
    expect(res.headers.get(CORRELATION_HEADER)).toBe('abc-123_XYZ');
    expect(await res.json()).toEqual({ correlationId: 'abc-123_XYZ' });
  });

  it('keeps the correlation id through the JSON body parser', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/v1/conversations/c1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'body-corr' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(await res.json()).toEqual({ id: 'c1', correlationId: 'body-corr', text: 'hello' });
  });

  it.each([
    ['missing', undefined],
    ['containing a space', 'abc def'],
    ['longer than 128 chars', 'a'.repeat(129)],
    ['non-ASCII', 'caf\u00e9'],
  ])('generates a UUID when the incoming id is %s', async (_case, header) => {
    const { url } = await start();
    const res = await fetch(`${url}/whoami`, { headers: header === undefined ? {} : { 'x-correlation-id': header } });
    const id = res.headers.get(CORRELATION_HEADER);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await res.json()).toEqual({ correlationId: id });
  });

  it('gives concurrent requests their own ids', async () => {
    const { url } = await start();
    const ids = Array.from({ length: 20 }, (_, i) => `req-${i}`);
    const seen = await Promise.all(
      ids.map(async (id) => ((await (await fetch(`${url}/whoami`, { headers: { 'x-correlation-id': id } })).json()) as { correlationId: string }).correlationId),
    );
    expect(seen).toEqual(ids);
  });
});

describe('httpMetricsMiddleware', () => {
  it('labels requests with the route template, not the concrete path', async () => {
    const { url, metrics } = await start();
    for (const id of ['a1', 'b2', 'c3']) {
      await fetch(`${url}/v1/conversations/${id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"text":"hi"}',
      });
    }
    expect(
      await requestCount(metrics, { route: '/v1/conversations/:id/messages', method: 'POST', status: '200', service: 'test-svc' }),
    ).toBe(3);
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('a1');
    expect(text).toContain('http_server_request_duration_seconds_bucket');
  });

  it('labels unknown paths as unmatched', async () => {
    const { url, metrics } = await start();
    await fetch(`${url}/no/such/path/${'x'.repeat(40)}`);
    await fetch(`${url}/another-unknown`);
    expect(await requestCount(metrics, { route: 'unmatched', status: '404' })).toBe(2);
  });

  it('returns the in-flight gauge to 0 after normal responses', async () => {
    const { url, metrics } = await start();
    await Promise.all(Array.from({ length: 10 }, () => fetch(`${url}/whoami`).then((r) => r.arrayBuffer())));
    await eventually(async () => (await requestCount(metrics, { route: '/whoami' })) === 10);
    expect(await inFlight(metrics)).toBe(0);
  });

  it('returns the in-flight gauge to 0 after errors thrown in handlers, keeping the route label', async () => {
    const { url, metrics } = await start();
    expect((await fetch(`${url}/v1/conversations/x/boom`)).status).toBe(500);
    expect((await fetch(`${url}/v1/conversations/x/async-boom`)).status).toBe(500);
    await eventually(async () => (await requestCount(metrics, { status: '500' })) === 2);
    expect(await requestCount(metrics, { route: '/v1/conversations/:id/boom', status: '500' })).toBe(1);
    expect(await requestCount(metrics, { route: '/v1/conversations/:id/async-boom', status: '500' })).toBe(1);
    expect(await inFlight(metrics)).toBe(0);
  });

  it('counts a request in flight while it runs and returns to 0 when the client aborts it', async () => {
    const { url, metrics, slowStarted } = await start();
    const req = httpRequest(`${url}/slow`);
    req.on('error', () => undefined);
    req.end();
    await slowStarted;
    expect(await inFlight(metrics)).toBe(1);
    req.destroy();
    await eventually(async () => (await inFlight(metrics)) === 0);
    expect(await requestCount(metrics, { route: '/slow', status: '499' })).toBe(1);
    // the gauge is decremented once only, never below zero
    await new Promise((r) => setTimeout(r, 20));
    expect(await inFlight(metrics)).toBe(0);
  });
});
