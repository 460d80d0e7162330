import { startEmulator, type Emulator } from '@supportmesh/llm-emulator';
import { ClassifyResponse, ErrorEnvelope } from '@supportmesh/contracts';
import { createLlmClient, type LlmClient } from '@supportmesh/llm-client';
import { listen, type Listening } from '@supportmesh/service-kit/testing';
import { createMetrics } from '@supportmesh/telemetry';
import { createCapturingLogger, type CapturedLogger } from '@supportmesh/telemetry/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createClassifier, type LlmMode } from './classifier.js';
import { createLlmIntentClassifier } from './llm/llm-intent-classifier.js';
import { trainedModel } from './model/trained.js';

interface Running {
  readonly url: string;
  readonly http: Listening;
  readonly log: CapturedLogger;
}

async function start(options: { llm?: LlmClient; mode?: LlmMode } = {}): Promise<Running> {
  const log = createCapturingLogger('intent-classifier', 'debug');
  const classifier = createClassifier({
    model: trainedModel(),
    llm: options.llm ? createLlmIntentClassifier(options.llm) : undefined,
    mode: options.mode ?? 'off',
  });
  const serviceApp = createApp({
    logger: log.logger,
    metrics: createMetrics({ service: 'intent-classifier', registry: new Registry(), collectDefaults: false }),
    classifier,
  });
  const http = await listen(serviceApp.app);
  return { url: http.url, http, log };
}

async function post(url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as unknown };
}

describe('intent-classifier over HTTP', () => {
  let svc: Running;

  beforeAll(async () => {
    svc = await start();
  });

  afterAll(async () => {
    await svc.http.close();
  });

  it('classifies "where is my order 12345?" as track_order with the order number', async () => {
    const { status, json } = await post(`${svc.url}/v1/classify`, { text: 'where is my order 12345?' });
    expect(status).toBe(200);
    const body = ClassifyResponse.parse(json);
    expect(body).toMatchObject({ intent: 'track_order', category: 'ORDER', source: 'model', entities: [{ type: 'order_number', value: '12345' }] });
    expect(body.confidence).toBeGreaterThan(0.9);
    expect(body.sentiment).toEqual({ label: 'neutral', score: 0 });
  });

  it('reads an angry complaint with typos as a negative complaint', async () => {
    const { json } = await post(`${svc.url}/v1/classify`, { text: 'this is the WORST servce ever, i want to file a complant!!' });
    const body = ClassifyResponse.parse(json);
    expect(body.intent).toBe('complaint');
    expect(body.category).toBe('FEEDBACK');
    expect(body.sentiment.label).toBe('negative');
  });

  it('uses the history for a short follow-up', async () => {
    const { json } = await post(`${svc.url}/v1/classify`, { text: 'it is NW-55512', history: ['I want a refund for my jacket'] });
    expect(ClassifyResponse.parse(json)).toMatchObject({ intent: 'get_refund', category: 'REFUND' });
  });

  it.each([
    ['no text', {}],
    ['an empty text', { text: '' }],
    ['a text that is not a string', { text: 42 }],
    ['history that is not a list', { text: 'hi', history: 'hello' }],
    ['an unknown field', { text: 'hi', extra: true }],
  ])('answers 400 VALIDATION_FAILED for %s', async (_, body) => {
    const { status, json } = await post(`${svc.url}/v1/classify`, body);
    expect(status).toBe(400);
    const envelope = ErrorEnvelope.parse(json);
    expect(envelope.error.code).toBe('VALIDATION_FAILED');
    expect(envelope.error.correlationId).toBeTruthy();
  });

  it('answers malformed JSON, other media types and 1 MB bodies with 4xx envelopes', async () => {
    const malformed = await post(`${svc.url}/v1/classify`, '{"text": ');
    expect(malformed.status).toBe(400);
    expect(ErrorEnvelope.parse(malformed.json).error.code).toBe('INVALID_JSON');
    const text = await post(`${svc.url}/v1/classify`, 'where is my order', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const big = await post(`${svc.url}/v1/classify`, { text: 'a'.repeat(1024 * 1024) });
    expect(big.status).toBe(413);
    expect(ErrorEnvelope.parse(big.json).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 405 for GET on the classify route and 404 for unknown routes', async () => {
    expect((await fetch(`${svc.url}/v1/classify`)).status).toBe(405);
    expect((await fetch(`${svc.url}/v1/nope`)).status).toBe(404);
  });

  it('serves health, readiness and the classification metrics', async () => {
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
    expect((await fetch(`${svc.url}/ready`)).status).toBe(200);
    await post(`${svc.url}/v1/classify`, { text: 'can i pay with paypal' });
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/intent_classifications_total\{[^}]*intent="check_payment_methods"[^}]*source="model"[^}]*\} [1-9]/);
    expect(metrics).toContain('intent_confidence_bucket');
  });

  it('never logs the message text or the entity values', async () => {
    await post(`${svc.url}/v1/classify`, { text: 'my email is secret.person@example.com and order NW-99887 is late' });
    const lines = svc.log.lines().join('\n');
    expect(lines).toContain('"msg":"classified"');
    expect(lines).not.toContain('secret.person');
    expect(lines).not.toContain('99887');
    expect(lines).not.toContain('is late');
  });
});

describe('intent-classifier with the LLM (llm-client → LLM emulator over HTTP)', () => {
  let emu: Emulator;
  let llm: LlmClient;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, host: '127.0.0.1' });
    llm = createLlmClient({
      deployments: [{ name: 'mini', provider: 'openai', endpoint: `${emu.url}/v1`, apiKey: 'test-key', model: 'gpt-4o-mini' }],
      retry: { maxRetries: 0 },
      cache: { enabled: false },
    });
  });

  afterAll(async () => {
    await llm.close();
    await emu.close();
  });

  const chats = (): number => emu.stats().requests.byDeployment['gpt-4o-mini']?.chat ?? 0;

  it('fallback mode: confident messages stay local, unsure ones go to the small model', async () => {
    const svc = await start({ llm, mode: 'fallback' });
    try {
      const before = chats();
      const sure = ClassifyResponse.parse((await post(`${svc.url}/v1/classify`, { text: 'where is my order 12345?' })).json);
      expect(sure.source).toBe('model');
      expect(chats()).toBe(before);
      const unsure = ClassifyResponse.parse((await post(`${svc.url}/v1/classify`, { text: 'something about my subscription' })).json);
      expect(unsure).toMatchObject({ intent: 'newsletter_subscription', category: 'SUBSCRIPTION', source: 'llm' });
      expect(chats()).toBe(before + 1);
    } finally {
      await svc.http.close();
    }
  });

  it('always mode: every message goes to the small model', async () => {
    const svc = await start({ llm, mode: 'always' });
    try {
      const body = ClassifyResponse.parse((await post(`${svc.url}/v1/classify`, { text: 'I want to talk to a person' })).json);
      expect(body.source).toBe('llm');
      expect(body.intent).toBe('contact_human_agent');
    } finally {
      await svc.http.close();
    }
  });

  it('answers with the local model (source "fallback") while the LLM deployment fails', async () => {
    const svc = await start({ llm, mode: 'always' });
    emu.setFaults({ failAll: true, status: 500 });
    try {
      const res = await post(`${svc.url}/v1/classify`, { text: 'where is my order 12345?' });
      expect(res.status).toBe(200);
      expect(ClassifyResponse.parse(res.json)).toMatchObject({ intent: 'track_order', source: 'fallback' });
      expect(svc.log.lines().join('\n')).not.toContain('where is my order');
    } finally {
      emu.resetFaults();
      await svc.http.close();
    }
  });
});
