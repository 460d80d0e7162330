import { gzipSync } from 'node:zlib';
import { LlmRequestError, LlmUnavailableError, PoolExhaustedError } from '@supportmesh/llm-client';
import { RateLimitedError, UnauthorizedError } from '@supportmesh/service-kit';
import { listen } from '@supportmesh/service-kit/testing';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from './body.js';
import { openAiErrorHandler, toOpenAiError } from './errors.js';

describe('toOpenAiError', () => {
  it('treats an LLM throttled everywhere as 429 and anything else unavailable as 503, both with retry hints', () => {
    const throttled = toOpenAiError(new LlmUnavailableError({ retryAfterMs: 800, failures: [{ deployment: 'a', code: 'RATE_LIMITED', status: 429 }, { deployment: 'b', code: 'QUOTA_EXCEEDED' }] }));
    expect(throttled).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', headers: { 'retry-after': '1', 'retry-after-ms': '800' } });
    const mixed = toOpenAiError(new LlmUnavailableError({ retryAfterMs: 800, failures: [{ deployment: 'a', code: 'RATE_LIMITED' }, { deployment: 'b', code: 'CIRCUIT_OPEN' }] }));
    expect(mixed).toMatchObject({ status: 503, type: 'server_error', code: 'llm_unavailable' });
    expect(toOpenAiError(new PoolExhaustedError('a', 'queue_full'))).toMatchObject({ status: 503, code: 'pool_exhausted', headers: { 'retry-after': '1' } });
  });

  it('passes a provider’s rejection of the input on as 400, and of our credentials as 502, without its text', () => {
    const bad = toOpenAiError(new LlmRequestError('a', 400, { cause: new Error('upstream secret') }));
    expect(bad).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'upstream_rejected' });
    expect(bad.message).not.toContain('secret');
    expect(toOpenAiError(new LlmRequestError('a', 401))).toMatchObject({ status: 502, type: 'server_error', code: 'upstream_error' });
  });

  it('answers an unexpected error with a bare 500', () => {
    const e = toOpenAiError(new TypeError('x is undefined'));
    expect(e).toMatchObject({ status: 500, code: 'internal_error', message: 'Internal server error' });
  });
});

describe('openAiErrorHandler', () => {
  it('gives the gateway’s auth and rate-limit errors OpenAI’s shape and headers', async () => {
    const app = express();
    app.get('/limited', () => {
      throw new RateLimitedError(3);
    });
    app.get('/unauthorized', () => {
      throw new UnauthorizedError('Invalid API key');
    });
    app.use(openAiErrorHandler());
    const http = await listen(app);
    try {
      const limited = await fetch(`${http.url}/limited`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(await limited.json()).toEqual({ error: { message: 'Too many requests', type: 'rate_limit_error', param: null, code: 'rate_limited' } });
      const unauthorized = await fetch(`${http.url}/unauthorized`);
      expect(unauthorized.status).toBe(401);
      expect(await unauthorized.json()).toMatchObject({ error: { type: 'authentication_error', code: 'unauthorized', message: 'Invalid API key' } });
    } finally {
      await http.close();
    }
  });
});

describe('readJsonBody', () => {
  async function read(body: Buffer | string | ReadableStream<Uint8Array>, headers: Record<string, string>): Promise<unknown> {
    const app = express();
    app.post('/', async (req, res) => {
      try {
        res.json({ body: await readJsonBody(req, 1024) });
      } catch (err) {
        res.status((err as { status: number }).status).json({ code: (err as { code: string }).code });
      }
    });
    const http = await listen(app);
    try {
      const res = await fetch(http.url, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
      return { status: res.status, json: await res.json() };
    } finally {
      await http.close();
    }
  }

  it('reads JSON and +json media types', async () => {
    expect(await read('{"a":[1,"é"]}', { 'content-type': 'application/json; charset=utf-8' })).toEqual({ status: 200, json: { body: { a: [1, 'é'] } } });
    expect(await read('{"a":1}', { 'content-type': 'application/vnd.api+json' })).toEqual({ status: 200, json: { body: { a: 1 } } });
  });

  it('refuses invalid UTF-8, compressed bodies and bodies over the limit', async () => {
    expect(await read(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), { 'content-type': 'application/json' })).toEqual({ status: 400, json: { code: 'invalid_json' } });
    expect(await read(gzipSync('{"a":1}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).toEqual({ status: 415, json: { code: 'unsupported_media_type' } });
    expect(await read(JSON.stringify({ a: 'x'.repeat(2000) }), { 'content-type': 'application/json' })).toEqual({ status: 413, json: { code: 'request_too_large' } });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(`"${'y'.repeat(400)}",`));
        controller.close();
      },
    });
    expect(await read(chunked, { 'content-type': 'application/json' })).toEqual({ status: 413, json: { code: 'request_too_large' } });
  });
});
