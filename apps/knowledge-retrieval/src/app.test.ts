import { startEmulator, type Emulator } from '@supportmesh/llm-emulator';
import { ErrorEnvelope, RetrieveResponse } from '@supportmesh/contracts';
import { createLlmClient, type LlmClient } from '@supportmesh/llm-client';
import { listen, type Listening } from '@supportmesh/service-kit/testing';
import { createMetrics } from '@supportmesh/telemetry';
import { createCapturingLogger, type CapturedLogger } from '@supportmesh/telemetry/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { loadArticles, toPassages } from './kb/articles.js';
import { llmEmbedder } from './search/llm-embedder.js';
import { createRetriever, type RetrieverOptions } from './search/retriever.js';

const passages = toPassages(loadArticles());

interface Running {
  readonly url: string;
  readonly http: Listening;
  readonly log: CapturedLogger;
}

async function start(options: RetrieverOptions = {}): Promise<Running> {
  const log = createCapturingLogger('knowledge-retrieval', 'debug');
  const serviceApp = createApp({
    logger: log.logger,
    metrics: createMetrics({ service: 'knowledge-retrieval', registry: new Registry(), collectDefaults: false }),
    retriever: createRetriever(passages, options),
  });
  const http = await listen(serviceApp.app);
  return { url: http.url, http, log };
}

async function retrieve(url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${url}/v1/retrieve`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as unknown };
}

describe('knowledge-retrieval over HTTP (BM25)', () => {
  let svc: Running;

  beforeAll(async () => {
    svc = await start();
  });

  afterAll(async () => {
    await svc.http.close();
  });

  it('answers "where is my order 12345?" with the order-tracking article first, 4 passages by default', async () => {
    const { status, json } = await retrieve(svc.url, { query: 'where is my order 12345?', intent: 'track_order' });
    expect(status).toBe(200);
    const { passages: found } = RetrieveResponse.parse(json);
    expect(found).toHaveLength(4);
    expect(found[0]).toMatchObject({ id: 'art-39#p1', title: 'Tracking your order', url: 'https://help.northwind.example/articles/art-39' });
    expect(found[0]?.text).toContain('order number');
  });

  it('honours topK and handles typos', async () => {
    const { json } = await retrieve(svc.url, { query: 'forgot my pasword', topK: 1 });
    const { passages: found } = RetrieveResponse.parse(json);
    expect(found.map((p) => p.id)).toEqual(['art-06#p1']);
  });

  it('answers an empty list for small talk without an intent', async () => {
    const { status, json } = await retrieve(svc.url, { query: 'hello' });
    expect(status).toBe(200);
    expect(json).toEqual({ passages: [] });
  });

  it.each([
    ['no query', {}],
    ['an empty query', { query: '' }],
    ['an unknown intent', { query: 'refund', intent: 'buy_boat' }],
    ['topK 0', { query: 'refund', topK: 0 }],
    ['topK 21', { query: 'refund', topK: 21 }],
    ['a fractional topK', { query: 'refund', topK: 2.5 }],
    ['an unknown field', { query: 'refund', filter: 'x' }],
  ])('answers 400 VALIDATION_FAILED for %s', async (_, body) => {
    const { status, json } = await retrieve(svc.url, body);
    expect(status).toBe(400);
    expect(ErrorEnvelope.parse(json).error.code).toBe('VALIDATION_FAILED');
  });

  it('answers malformed JSON, other media types and 1 MB bodies with 4xx envelopes', async () => {
    expect((await retrieve(svc.url, '{"query":')).status).toBe(400);
    expect((await retrieve(svc.url, 'refund', { 'content-type': 'text/plain' })).status).toBe(415);
    const big = await retrieve(svc.url, { query: 'a'.repeat(1024 * 1024) });
    expect(big.status).toBe(413);
    expect(ErrorEnvelope.parse(big.json).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('serves health, readiness and retrieval metrics', async () => {
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
    const ready = await fetch(`${svc.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', probes: { index: true } });
    await retrieve(svc.url, { query: 'refund policy' });
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/retrieval_requests_total\{[^}]*mode="bm25"[^}]*result="hit"[^}]*\} [1-9]/);
  });

  it('never logs the query', async () => {
    await retrieve(svc.url, { query: 'my email is secret.person@example.com, refund please' });
    const lines = svc.log.lines().join('\n');
    expect(lines).toContain('"msg":"retrieved"');
    expect(lines).not.toContain('secret.person');
    expect(lines).not.toContain('refund please');
  });
});

describe('knowledge-retrieval hybrid mode (llm-client embeddings → LLM emulator over HTTP)', () => {
  let emu: Emulator;
  let llm: LlmClient;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, host: '127.0.0.1' });
    llm = createLlmClient({
      deployments: [
        { name: 'mini', provider: 'openai', endpoint: `${emu.url}/v1`, apiKey: 'test-key', model: 'gpt-4o-mini' },
        { name: 'embed', provider: 'openai', endpoint: `${emu.url}/v1`, apiKey: 'test-key', model: 'text-embedding-3-small' },
      ],
      retry: { maxRetries: 0 },
    });
  });

  afterAll(async () => {
    await llm.close();
    await emu.close();
  });

  const embeddingCalls = (): number => emu.stats().requests.byDeployment['text-embedding-3-small']?.embeddings ?? 0;

  it('embeds the help center once and fuses both rankings', async () => {
    const svc = await start({ embedder: llmEmbedder(llm) });
    try {
      const { json } = await retrieve(svc.url, { query: 'how long does standard shipping take', intent: 'delivery_period', topK: 3 });
      const { passages: found } = RetrieveResponse.parse(json);
      expect(found[0]?.id.split('#')[0]).toMatch(/^art-(20|24)$/);
      const afterFirst = embeddingCalls();
      expect(afterFirst).toBeGreaterThan(1);
      await retrieve(svc.url, { query: 'refund policy' });
      expect(embeddingCalls()).toBe(afterFirst + 1);
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      expect(metrics).toMatch(/retrieval_requests_total\{[^}]*mode="hybrid"/);
    } finally {
      await svc.http.close();
    }
  });

  it('keeps answering with BM25 while the embeddings deployment fails', async () => {
    const failures: string[] = [];
    const svc = await start({ embedder: llmEmbedder(llm), onEmbeddingFailure: (_err, phase) => failures.push(phase) });
    emu.setFaults({ failAll: true, status: 503, deployments: ['text-embedding-3-small'] });
    try {
      const { status, json } = await retrieve(svc.url, { query: 'forgot my password', topK: 1 });
      expect(status).toBe(200);
      expect(RetrieveResponse.parse(json).passages[0]?.id).toBe('art-06#p1');
      expect(failures).toEqual(['index']);
    } finally {
      emu.resetFaults();
      await svc.http.close();
    }
  });
});
