import { request as httpRequest } from 'node:http';
import { createLlmClient, type LlmClient, type LlmClientConfigInput } from '@supportmesh/llm-client';
import { formatPassages, startEmulator as startEmulatorOn, type Emulator } from '@supportmesh/llm-emulator';
import { listen, type Listening } from '@supportmesh/service-kit/testing';
import { createMetrics, type Metrics } from '@supportmesh/telemetry';
import { createCapturingLogger } from '@supportmesh/telemetry/testing';
import express from 'express';
import OpenAI, { APIError } from 'openai';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFacadeRouter } from './index.js';

const startEmulator = (): Promise<Emulator> => startEmulatorOn({ port: 0, host: '127.0.0.1' });

const PASSAGES = formatPassages([
  { id: 'returns-policy', title: 'Returning an item', text: 'You can return unworn items within 30 days of delivery for a full refund.' },
  { id: 'delivery-times', title: 'Delivery times', text: 'Standard delivery takes 3 to 5 business days. Express delivery arrives the next business day.' },
]);

function question(text: string): OpenAI.Chat.ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: `Answer from these passages.\n\n${PASSAGES}` },
    { role: 'user', content: text },
  ];
}

interface Facade {
  readonly url: string;
  readonly llm: LlmClient;
  readonly metrics: Metrics;
  readonly openai: OpenAI;
  readonly http: Listening;
}

async function startFacade(emu: Emulator, extra: Partial<LlmClientConfigInput> = {}, charged?: number[]): Promise<Facade> {
  const llm = createLlmClient({
    deployments: [
      { name: 'small', provider: 'openai', endpoint: `${emu.url}/v1`, apiKey: 'test-key', model: 'gpt-4o-mini' },
      { name: 'large', provider: 'openai', endpoint: `${emu.url}/v1`, apiKey: 'test-key', model: 'gpt-4o' },
      { name: 'embedding', provider: 'openai', endpoint: `${emu.url}/v1`, apiKey: 'test-key', model: 'text-embedding-3-small' },
    ],
    retry: { maxRetries: 0 },
    ...extra,
  });
  const metrics = createMetrics({ service: 'gateway', registry: new Registry(), collectDefaults: false });
  const app = express();
  // What the gateway's limits middleware does in front of the facade: a per-call token charge.
  if (charged) app.use((_req, res, next) => ((res.locals['consumeTokens'] = (n: number) => charged.push(n)), next()));
  app.use('/openai/v1', createFacadeRouter({ llm, logger: createCapturingLogger('gateway').logger, metrics }));
  const http = await listen(app);
  const openai = new OpenAI({ baseURL: `${http.url}/openai/v1`, apiKey: 'x', maxRetries: 0 });
  return { url: http.url, llm, metrics, openai, http };
}

async function stopFacade(f: Facade): Promise<void> {
  await f.http.close();
  await f.llm.close();
}

async function caught(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof APIError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

async function post(url: string, body: string, contentType = 'application/json') {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as { error: Record<string, unknown> } };
}

describe('OpenAI-compatible facade with the openai SDK (LLM emulator over HTTP)', () => {
  let emu: Emulator;
  let f: Facade;

  beforeAll(async () => {
    emu = await startEmulator();
    f = await startFacade(emu);
  });

  afterAll(async () => {
    await stopFacade(f);
    await emu.close();
  });

  const upstreamChats = (model: string): number => emu.stats().requests.byDeployment[model]?.chat ?? 0;

  it('answers a chat completion in OpenAI’s shape with cost and cache headers, and serves the repeat from cache', async () => {
    const before = upstreamChats('gpt-4o-mini');
    const messages = question('How many days do I have to return unworn items?');
    const { data, response } = await f.openai.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    expect(data).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }] });
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.choices[0]?.message.content).toMatch(/within 30 days.*\[passage:returns-policy\]/);
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    expect(Number(response.headers.get('x-supportmesh-cost-usd'))).toBeGreaterThan(0);
    expect(response.headers.get('x-supportmesh-cache')).toBe('MISS');

    const again = await f.openai.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    expect(again.data.choices[0]?.message.content).toBe(data.choices[0]?.message.content);
    expect(again.response.headers.get('x-supportmesh-cache')).toBe('HIT');
    expect(Number(again.response.headers.get('x-supportmesh-cost-usd'))).toBe(0);
    expect(upstreamChats('gpt-4o-mini') - before).toBe(1);
  });

  it('routes by model name to the matching tier and bypasses the cache on Cache-Control: no-cache', async () => {
    const before = upstreamChats('gpt-4o');
    const messages = question('When does express delivery arrive?');
    const opts = { headers: { 'cache-control': 'no-cache' } };
    await f.openai.chat.completions.create({ model: 'gpt-4o', messages }, opts);
    const { response } = await f.openai.chat.completions.create({ model: 'gpt-4o', messages }, opts).withResponse();
    expect(response.headers.get('x-supportmesh-cache')).toBe('BYPASS');
    expect(upstreamChats('gpt-4o') - before).toBe(2);
  });

  it('streams deltas, a final chunk with finish_reason and the usage chunk, with the same text as a plain call', async () => {
    const messages = question('How long does standard delivery take?');
    const plain = await f.openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const stream = await f.openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]?.id)).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(plain.choices[0]?.message.content);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.prompt_tokens).toBe(plain.usage?.prompt_tokens);
    expect(last?.usage?.completion_tokens).toBe(plain.usage?.completion_tokens);
  });

  it('ends a stream with [DONE] and sends the cost as a trailer; no usage chunk unless asked', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: question('Can I return unworn items?'), stream: true });
    const { raw, headers, trailers } = await new Promise<{ raw: string; headers: Record<string, unknown>; trailers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(`${f.url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (raw += d));
        res.on('end', () => resolve({ raw, headers: res.headers, trailers: res.trailers }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    expect(headers['x-supportmesh-cache']).toBe('BYPASS');
    const events = raw.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.some((e) => e.includes('"usage"'))).toBe(false);
    expect(Number(trailers['x-supportmesh-cost-usd'])).toBeGreaterThan(0);
  });

  it('embeds text: base64 by default (the SDK decodes it) and floats on request, both the same vectors', async () => {
    const { data, response } = await f.openai.embeddings.create({ model: 'text-embedding-3-small', input: ['return policy', 'delivery times'] }).withResponse();
    expect(data.object).toBe('list');
    expect(data.model).toBe('text-embedding-3-small');
    expect(data.data.map((d) => d.index)).toEqual([0, 1]);
    expect(data.data[0]?.embedding.length).toBeGreaterThan(100);
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-supportmesh-cost-usd'))).toBeGreaterThan(0);
    const floats = await f.openai.embeddings.create({ model: 'text-embedding-3-small', input: 'return policy', encoding_format: 'float' });
    const a = data.data[0]?.embedding ?? [];
    const b = floats.data[0]?.embedding ?? [];
    expect(b).toHaveLength(a.length);
    expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? 0))))).toBeLessThan(1e-6);
  });

  it('lists the configured models and describes one', async () => {
    const ids: string[] = [];
    for await (const model of f.openai.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
    expect((await f.openai.models.retrieve('gpt-4o')).owned_by).toBe('supportmesh');
    expect((await caught(f.openai.models.retrieve('gpt-9'))).status).toBe(404);
  });

  it('accepts text content parts and the developer role from newer SDK versions', async () => {
    const res = await f.openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'developer', content: `Answer from these passages.\n\n${PASSAGES}` },
        { role: 'user', content: [{ type: 'text', text: 'How many days to return' }, { type: 'text', text: 'unworn items?' }] },
      ],
    });
    expect(res.choices[0]?.message.content).toMatch(/30 days/);
  });

  describe('bad input gets an OpenAI-shaped 4xx', () => {
    it('names the field the SDK sent wrong', async () => {
      const err = await caught(f.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }));
      expect(err.status).toBe(400);
      expect(err.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value', param: 'messages' });
      const temp = await caught(f.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: question('hi'), temperature: 7 }));
      expect(temp.status).toBe(400);
      expect(temp.error).toMatchObject({ param: 'temperature' });
    });

    it('refuses what it cannot do instead of silently ignoring it', async () => {
      const tools = await caught(
        f.openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: question('hi'),
          tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
        }),
      );
      expect(tools.status).toBe(400);
      expect(tools.error).toMatchObject({ code: 'unsupported_parameter', param: 'tools' });
      const n = await caught(f.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: question('hi'), n: 2 }));
      expect(n.error).toMatchObject({ code: 'unsupported_parameter', param: 'n' });
      const embedModel = await caught(f.openai.chat.completions.create({ model: 'text-embedding-3-small', messages: question('hi') }));
      expect(embedModel.error).toMatchObject({ code: 'model_not_supported', param: 'model' });
    });

    it('answers malformed JSON with 400, another media type with 415 and a huge body with 413', async () => {
      const malformed = await post(`${f.url}/openai/v1/chat/completions`, '{"model": ');
      expect(malformed.status).toBe(400);
      expect(malformed.json).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_json' } });
      const text = await post(`${f.url}/openai/v1/chat/completions`, 'hello', 'text/plain');
      expect(text.status).toBe(415);
      expect(text.json.error['code']).toBe('unsupported_media_type');
      const huge = await post(`${f.url}/openai/v1/embeddings`, JSON.stringify({ model: 'm', input: 'x'.repeat(5 * 1024 * 1024) }));
      expect(huge.status).toBe(413);
      expect(huge.json.error['code']).toBe('request_too_large');
    });

    it('passes the provider’s rejection of an input on as a 400', async () => {
      const err = await caught(f.openai.embeddings.create({ model: 'text-embedding-3-small', input: [''] }));
      expect(err.status).toBe(400);
      expect(err.error).toMatchObject({ type: 'invalid_request_error', code: 'upstream_rejected' });
    });

    it('answers unknown paths with 404 and wrong methods with 405, in the same shape', async () => {
      const unknown = await post(`${f.url}/openai/v1/completions`, '{}');
      expect(unknown.status).toBe(404);
      expect(unknown.json.error['code']).toBe('unknown_url');
      const res = await fetch(`${f.url}/openai/v1/chat/completions`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    });
  });

  it('works behind an app-level JSON body parser too', async () => {
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    app.use('/openai/v1', createFacadeRouter({ llm: f.llm, logger: createCapturingLogger('gateway').logger, metrics: f.metrics, bindMetrics: false }));
    const http = await listen(app);
    try {
      const openai = new OpenAI({ baseURL: `${http.url}/openai/v1`, apiKey: 'x', maxRetries: 0 });
      const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: question('How many days do I have to return unworn items?') });
      expect(res.choices[0]?.message.content).toMatch(/30 days/);
    } finally {
      await http.close();
    }
  });

  it('mirrors the llm-client into the gateway metrics', async () => {
    const requests = await f.metrics.llm.requests.get();
    expect(requests.values).toContainEqual(expect.objectContaining({ labels: expect.objectContaining({ task: 'generic', deployment: 'small', outcome: 'success' }) }));
    const hits = await f.metrics.llm.cacheHits.get();
    expect(hits.values).toContainEqual(expect.objectContaining({ labels: expect.objectContaining({ cache: 'llm', kind: 'exact' }) }));
  });

  it('cancels the upstream call when the client abandons a stream', async () => {
    const slow = await startEmulatorOn({ port: 0, host: '127.0.0.1', tokensPerSecond: 2 });
    const g = await startFacade(slow);
    try {
      const controller = new AbortController();
      const stream = await g.openai.chat.completions.create(
        { model: 'gpt-4o-mini', messages: question('How long does standard delivery take?'), stream: true },
        { signal: controller.signal },
      );
      const first = await stream[Symbol.asyncIterator]().next();
      expect(first.done).toBe(false);
      expect(g.llm.stats().aggregate.active_connections).toBe(1);
      controller.abort();
      // at 2 tokens/s the answer would hold the pool slot for seconds; cancelled, it is freed at once
      let active = 1;
      for (let i = 0; i < 50 && active > 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        active = g.llm.stats().aggregate.active_connections;
      }
      expect(active).toBe(0);
    } finally {
      await stopFacade(g);
      await slow.close();
    }
  });

  describe('when the LLM is in trouble', () => {
    let broken: Emulator;
    let g: Facade;

    beforeAll(async () => {
      broken = await startEmulator();
      g = await startFacade(broken, { cache: { enabled: false } });
    });

    afterAll(async () => {
      await stopFacade(g);
      await broken.close();
    });

    it('answers 503 with Retry-After when no deployment can serve, also for a stream that never started', async () => {
      broken.setFaults({ failAll: true, status: 500 });
      const err = await caught(g.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: question('hi') }));
      expect(err.status).toBe(503);
      expect(err.error).toMatchObject({ type: 'server_error', code: 'llm_unavailable' });
      expect(err.headers?.get('retry-after')).toBe('2');
      const streamErr = await caught(g.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: question('hi'), stream: true }));
      expect(streamErr.status).toBe(503);
    });

    it('answers 429 with the provider’s retry-after when every deployment is throttled', async () => {
      broken.setFaults({ failAll: true, status: 429, retryAfterMs: 1_500 });
      const err = await caught(g.openai.chat.completions.create({ model: 'gpt-4o', messages: question('hi') }));
      expect(err.status).toBe(429);
      expect(err.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect(err.headers?.get('retry-after')).toBe('2');
      expect(err.headers?.get('retry-after-ms')).toBe('1500');
    });
  });
});

describe('facade token budget', () => {
  it('charges the tokens each answered call used to the caller, and nothing for a cache hit', async () => {
    const emu = await startEmulator();
    const charged: number[] = [];
    const f = await startFacade(emu, {}, charged);
    try {
      const first = await f.openai.chat.completions.create({ model: 'gpt-4o', messages: question('How long does standard delivery take?'), temperature: 0 });
      await new Promise((r) => setTimeout(r, 10));
      expect(charged).toEqual([first.usage?.total_tokens]);
      expect(charged[0]).toBeGreaterThan(0);
      await f.openai.chat.completions.create({ model: 'gpt-4o', messages: question('How long does standard delivery take?'), temperature: 0 });
      await new Promise((r) => setTimeout(r, 10));
      expect(charged).toHaveLength(1);
    } finally {
      await stopFacade(f);
      await emu.close();
    }
  });
});
