import type { IncomingHttpHeaders } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { isBreakerOpenError, isTimeoutError } from '@supportmesh/resilience';
import { bindBreakerMetrics, createMetrics, initTracing, runWithCorrelationId } from '@supportmesh/telemetry';
import { createCapturingLogger } from '@supportmesh/telemetry/testing';
import { createServiceApp } from './app.js';
import { createServiceClient, type ServiceClient, type ServiceClientOptions } from './client.js';
import { isUpstreamError, type UpstreamError } from './errors/upstream-error.js';
import { HttpError } from './errors/http-error.js';
import { listen } from './testing/index.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The downstream: a real service-kit app on 127.0.0.1:0 whose answers the test scripts. */
async function upstream() {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders; body: unknown }> = [];
  const script: number[] = [];
  const connections = { count: 0 };
  let hang: (() => void) | undefined;
  const aborted = vi.fn();
  const { logger } = createCapturingLogger('upstream');
  const { app } = createServiceApp({
    service: 'upstream',
    logger,
    metrics: createMetrics({ service: 'upstream', collectDefaults: false }),
    configure: (a) => {
      const handler: express.RequestHandler = (req, res) => {
        seen.push({ path: req.path, headers: req.headers, body: req.body as unknown });
        const status = script.shift() ?? 200;
        if (status === 200) {
          res.json({ ok: true, n: seen.length });
          return;
        }
        if (status === 0) {
          res.on('close', () => {
            if (!res.writableFinished) aborted();
          });
          hang?.();
          return; // never answers
        }
        if (status === 1) {
          res.json({ unexpected: 'shape' });
          return;
        }
        throw new HttpError(status, status === 404 ? 'NOT_FOUND' : status === 429 ? 'RATE_LIMITED' : 'BOOM', 'internal detail: db at 10.1.2.3');
      };
      a.post('/v1/echo', handler);
      a.get('/v1/echo', handler);
    },
  });
  const server = await listen(app);
  server.server.on('connection', () => connections.count++);
  cleanups.push(() => server.close());
  return {
    url: server.url,
    seen,
    connections,
    aborted,
    /** Next answers: 200, an error status, 0 = hang, 1 = 200 with a body breaking the schema. */
    answer: (...statuses: number[]) => script.push(...statuses),
    hanging: () => new Promise<void>((resolve) => (hang = resolve)),
  };
}

function client(url: string, opts: Partial<ServiceClientOptions> = {}): ServiceClient {
  const c = createServiceClient({ name: 'critic', baseUrl: url, timeoutMs: 2_000, retry: { baseDelayMs: 0 }, ...opts });
  cleanups.push(() => c.close());
  return c;
}

const Echo = z.object({ ok: z.literal(true), n: z.number() });

describe('createServiceClient', () => {
  it('posts JSON, validates the answer with the schema, and reuses one keep-alive connection', async () => {
    const up = await upstream();
    const c = client(up.url);
    for (let i = 1; i <= 3; i++) await expect(c.post('/v1/echo', { text: 'hi' }, { schema: Echo })).resolves.toEqual({ ok: true, n: i });
    expect(up.seen[0]?.body).toEqual({ text: 'hi' });
    expect(up.connections.count).toBe(1);
  });

  it('a response that breaks the schema is an UpstreamError (invalid_response)', async () => {
    const up = await upstream();
    const c = client(up.url);
    up.answer(1);
    const err = (await c.post('/v1/echo', {}, { schema: Echo }).catch((e: unknown) => e)) as UpstreamError;
    expect(isUpstreamError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'UPSTREAM_ERROR', reason: 'invalid_response', status: 200 });
  });

  it('forwards the correlation id and traceparent of the request being served', async () => {
    const tracing = initTracing({ service: 'caller', env: {} });
    cleanups.push(() => tracing.shutdown());
    const up = await upstream();
    const c = client(up.url);
    const { logger } = createCapturingLogger('caller');
    const caller = createServiceApp({
      service: 'caller',
      logger,
      metrics: createMetrics({ service: 'caller', collectDefaults: false }),
      configure: (a) => {
        a.get('/hop', async (_req, res) => {
          res.json(await c.get('/v1/echo'));
        });
      },
    });
    const server = await listen(caller.app);
    cleanups.push(() => server.close());

    const res = await fetch(`${server.url}/hop`, {
      headers: { 'x-correlation-id': 'corr-hop-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(res.status).toBe(200);
    const headers = up.seen[0]?.headers ?? {};
    expect(headers['x-correlation-id']).toBe('corr-hop-1');
    expect(headers['traceparent']).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(headers['traceparent']).not.toContain('b7ad6b7169203331'); // a child span of the caller's server span
  });

  it('forwards the correlation id from runWithCorrelationId outside Express too', async () => {
    const up = await upstream();
    const c = client(up.url);
    await runWithCorrelationId('corr-job-7', () => c.post('/v1/echo', {}));
    expect(up.seen[0]?.headers['x-correlation-id']).toBe('corr-job-7');
  });

  it('maps error statuses to UpstreamError with the status and envelope code, never the upstream message', async () => {
    const up = await upstream();
    const c = client(up.url);
    up.answer(404);
    const err = (await c.post('/v1/echo', {}).catch((e: unknown) => e)) as UpstreamError;
    expect(err).toMatchObject({ code: 'UPSTREAM_ERROR', reason: 'http_status', status: 404, upstreamCode: 'NOT_FOUND', service: 'critic' });
    expect(err.message).not.toContain('10.1.2.3');
  });

  it('opens the breaker after 5 failures and then fails fast without calling upstream', async () => {
    const up = await upstream();
    const c = client(up.url);
    const metrics = createMetrics({ service: 'caller', collectDefaults: false });
    cleanups.push(bindBreakerMetrics(c.breaker as NonNullable<typeof c.breaker>, metrics));
    up.answer(500, 500, 500, 500, 500);
    for (let i = 0; i < 5; i++) await expect(c.post('/v1/echo', {})).rejects.toMatchObject({ status: 500 });
    expect(c.breaker?.state).toBe('OPEN');
    expect(await metrics.registry.getSingleMetricAsString('circuit_breaker_state')).toContain('circuit_breaker_state{name="critic",service="caller"} 2');
    const err = await c.post('/v1/echo', {}).catch((e: unknown) => e);
    expect(isBreakerOpenError(err)).toBe(true);
    expect(up.seen).toHaveLength(5);
  });

  it('does not count 4xx answers as breaker failures', async () => {
    const up = await upstream();
    const c = client(up.url);
    up.answer(400, 404, 409, 422, 429, 400, 404);
    for (let i = 0; i < 7; i++) await expect(c.post('/v1/echo', {})).rejects.toSatisfy(isUpstreamError);
    expect(c.breaker?.state).toBe('CLOSED');
    expect(c.breaker?.consecutiveFailures).toBe(0);
  });

  it('aborts the request when the per-call timeout passes and answers TimeoutError', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const up = await upstream();
    const c = client(up.url, { timeoutMs: 500 });
    up.answer(0);
    const reached = up.hanging();
    const call = c.post('/v1/echo', {}).catch((e: unknown) => e);
    await reached;
    await vi.advanceTimersByTimeAsync(500);
    const err = await call;
    expect(isTimeoutError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'TIMEOUT', timeoutMs: 500 });
    await vi.waitFor(() => expect(up.aborted).toHaveBeenCalledTimes(1));
    expect(c.breaker?.consecutiveFailures).toBe(1);
  });

  it("the caller's abort cancels the request and is not a breaker failure", async () => {
    const up = await upstream();
    const c = client(up.url);
    for (let i = 0; i < 6; i++) {
      up.answer(0);
      const reached = up.hanging();
      const controller = new AbortController();
      const call = c.post('/v1/echo', {}, { signal: controller.signal }).catch((e: unknown) => e);
      await reached;
      controller.abort();
      expect(await call).toMatchObject({ name: 'AbortError' });
    }
    await vi.waitFor(() => expect(up.aborted).toHaveBeenCalledTimes(6));
    expect(c.breaker?.state).toBe('CLOSED');
    expect(c.breaker?.consecutiveFailures).toBe(0);
  });

  it('retries idempotent calls on 502/503/504/429 and succeeds', async () => {
    const up = await upstream();
    const c = client(up.url, { retry: { baseDelayMs: 0, maxAttempts: 4 } });
    up.answer(503, 502, 429);
    await expect(c.post('/v1/echo', {}, { idempotent: true, schema: Echo })).resolves.toEqual({ ok: true, n: 4 });
    expect(up.seen).toHaveLength(4);
  });

  it('GET is idempotent by default; POST is never retried unless marked idempotent', async () => {
    const up = await upstream();
    const c = client(up.url);
    up.answer(503);
    await expect(c.get('/v1/echo')).resolves.toMatchObject({ ok: true });
    expect(up.seen).toHaveLength(2);

    up.answer(503);
    await expect(c.post('/v1/echo', {})).rejects.toMatchObject({ status: 503 });
    expect(up.seen).toHaveLength(3);
  });

  it('does not retry other errors (500, 4xx)', async () => {
    const up = await upstream();
    const c = client(up.url);
    up.answer(500);
    await expect(c.get('/v1/echo')).rejects.toMatchObject({ status: 500 });
    up.answer(400);
    await expect(c.get('/v1/echo')).rejects.toMatchObject({ status: 400 });
    expect(up.seen).toHaveLength(2);
  });

  it('network errors are UpstreamError (network), retried when idempotent', async () => {
    const { logger, records } = createCapturingLogger('caller');
    // a port that was just freed: connections are refused
    const tmp = await listen(express());
    await tmp.close();
    const c = client(tmp.url, { logger, retry: { baseDelayMs: 0, maxAttempts: 3 } });
    const err = (await c.get('/v1/echo').catch((e: unknown) => e)) as UpstreamError;
    expect(err).toMatchObject({ code: 'UPSTREAM_ERROR', reason: 'network', networkCode: 'ECONNREFUSED' });
    expect(records().filter((r) => r['msg'] === 'retrying upstream call')).toHaveLength(2);
  });
});
