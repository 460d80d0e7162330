import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatPassages } from './passages.js';
import { startEmulator, type Emulator } from './server.js';

const PASSAGES = formatPassages([
  {
    id: 'kb-refunds',
    title: 'Refund policy',
    text: 'Refunds are issued within 5 business days after we receive the returned item. The refund goes back to the original payment method.',
  },
  { id: 'kb-shipping', title: 'Shipping times', text: 'Standard shipping takes 3 to 5 days. Express shipping costs $9.99 and arrives the next day.' },
]);

const ragMessages = (question: string): OpenAI.Chat.ChatCompletionMessageParam[] => [
  { role: 'system', content: `You are a support assistant. Answer only from these passages and cite them.\n\n${PASSAGES}` },
  { role: 'user', content: question },
];

async function until(check: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(check()).toBe(true), { timeout: 5_000, interval: 5 });
}

async function post(url: string, body: unknown, headers: Record<string, string> = { authorization: 'Bearer x' }): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('LLM emulator over real HTTP', () => {
  let emu: Emulator;
  let openai: OpenAI;

  beforeAll(async () => {
    emu = await startEmulator();
    openai = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterEach(() => emu.resetFaults());
  afterAll(() => emu.close());

  describe('chat completions', () => {
    it('gives the openai SDK a grounded answer with citations and OpenAI-shaped usage', async () => {
      const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: ragMessages('How long does a refund take?') });
      expect(res.id).toMatch(/^chatcmpl-/);
      expect(res.object).toBe('chat.completion');
      expect(res.model).toBe('gpt-4o-mini');
      expect(res.choices[0]?.finish_reason).toBe('stop');
      expect(res.choices[0]?.message.role).toBe('assistant');
      expect(res.choices[0]?.message.content).toContain('Refunds are issued within 5 business days');
      expect(res.choices[0]?.message.content).toMatch(/\[passage:kb-refunds\]$/);
      const usage = res.usage;
      expect(usage?.prompt_tokens).toBeGreaterThan(0);
      expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
      expect(usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    });

    it('answers the AzureOpenAI client on the deployment path', async () => {
      const azure = new AzureOpenAI({ endpoint: emu.url, apiKey: 'k', apiVersion: '2024-10-21', deployment: 'support-gpt4o', maxRetries: 0 });
      const res = await azure.chat.completions.create({ model: 'gpt-4o', messages: ragMessages('How much does express shipping cost?') });
      expect(res.choices[0]?.message.content).toContain('Express shipping costs $9.99');
      expect(res.choices[0]?.message.content).toContain('[passage:kb-shipping]');
      expect(emu.stats().requests.byDeployment['support-gpt4o']?.chat).toBe(1);
    });

    it('is deterministic: the same prompt gives the same content', async () => {
      const ask = async (): Promise<string | null | undefined> =>
        (await openai.chat.completions.create({ model: 'm', messages: ragMessages('refund payment method') })).choices[0]?.message.content;
      expect(await ask()).toBe(await ask());
    });

    it('politely offers a human when the prompt has no passages', async () => {
      const res = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Can you help me?' }] });
      expect(res.choices[0]?.message.content).toMatch(/don't have enough information.*human agent/);
    });

    it('truncates at max_tokens with finish_reason length', async () => {
      const res = await openai.chat.completions.create({ model: 'm', max_tokens: 5, messages: ragMessages('How long does a refund take?') });
      expect(res.choices[0]?.finish_reason).toBe('length');
      expect(res.usage?.completion_tokens).toBeLessThanOrEqual(5);
    });

    it('streams deltas, a usage chunk with empty choices, then [DONE]', async () => {
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: ragMessages('How long does a refund take?'),
      });
      let text = '';
      const finishReasons: string[] = [];
      let usageChunk: OpenAI.Chat.ChatCompletionChunk | undefined;
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        expect(chunk.object).toBe('chat.completion.chunk');
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.choices[0]?.finish_reason) finishReasons.push(chunk.choices[0].finish_reason);
        if (chunk.usage) usageChunk = chunk;
      }
      expect(chunks).toBeGreaterThan(5);
      expect(text).toContain('Refunds are issued within 5 business days');
      expect(text).toContain('[passage:kb-refunds]');
      expect(finishReasons).toEqual(['stop']);
      expect(usageChunk?.choices).toEqual([]);
      expect(usageChunk?.usage?.completion_tokens).toBeGreaterThan(0);

      const raw = await (
        await post(`${emu.url}/v1/chat/completions`, { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      ).text();
      expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(raw).not.toContain('"usage"');
    });

    it('paces a stream by tokensPerSecond and still delivers all of it', async () => {
      const paced = await startEmulator({ tokensPerSecond: 2000 });
      try {
        const client = new OpenAI({ baseURL: `${paced.url}/v1`, apiKey: 'x', maxRetries: 0 });
        const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: ragMessages('How long does a refund take?') });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        const whole = await client.chat.completions.create({ model: 'm', messages: ragMessages('How long does a refund take?') });
        expect(text).toBe(whole.choices[0]?.message.content);
      } finally {
        await paced.close();
      }
    });

    it('returns JSON that satisfies a json_schema, picking the intent closest to the user text', async () => {
      const res = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Classify the customer message.' },
          { role: 'user', content: 'I would like to cancel my order please' },
        ],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'classification',
            strict: true,
            schema: {
              type: 'object',
              properties: {
                intent: { type: 'string', enum: ['track_order', 'cancel_order', 'get_refund', 'other'] },
                confidence: { type: 'number', minimum: 0, maximum: 1 },
                reason: { type: 'string' },
              },
              required: ['intent', 'confidence', 'reason'],
              additionalProperties: false,
            },
          },
        },
      });
      const parsed = JSON.parse(res.choices[0]?.message.content ?? '') as Record<string, unknown>;
      expect(parsed['intent']).toBe('cancel_order');
      expect(typeof parsed['confidence']).toBe('number');
      expect(typeof parsed['reason']).toBe('string');
    });

    it('returns a JSON object in json_object mode', async () => {
      const res = await openai.chat.completions.create({
        model: 'm',
        messages: ragMessages('How long does a refund take?'),
        response_format: { type: 'json_object' },
      });
      const parsed = JSON.parse(res.choices[0]?.message.content ?? '') as { answer: string; citations: string[] };
      expect(parsed.citations).toEqual(['kb-refunds']);
      expect(parsed.answer).toContain('Refunds are issued');
    });

    it('reports cached prompt tokens when a long prefix repeats', async () => {
      const longSystem = `Policy manual. ${'Always be polite and precise. '.repeat(200)}`;
      const ask = async (q: string): Promise<number | undefined> =>
        (
          await openai.chat.completions.create({
            model: 'cache-test',
            messages: [
              { role: 'system', content: longSystem },
              { role: 'user', content: q },
            ],
          })
        ).usage?.prompt_tokens_details?.cached_tokens;
      expect(await ask('first question')).toBe(0);
      const cached = await ask('second question');
      expect(cached).toBeGreaterThanOrEqual(1024);
      expect((cached ?? 0) % 128).toBe(0);
    });
  });

  describe('embeddings', () => {
    it('returns deterministic normalised vectors through the SDK (base64 by default) with usage', async () => {
      const res = await openai.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['I want a refund for my order', 'how do I get a refund for my order', 'the weather in Paris'],
      });
      expect(res.object).toBe('list');
      expect(res.usage.prompt_tokens).toBeGreaterThan(0);
      const [a, b, c] = res.data.map((d) => d.embedding);
      const dot = (x: number[] = [], y: number[] = []): number => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
      expect(a).toHaveLength(256);
      expect(dot(a, a)).toBeCloseTo(1, 4);
      expect(dot(a, b)).toBeGreaterThan(dot(a, c) + 0.3);
    });

    it('serves the Azure embeddings path and float encoding', async () => {
      const res = await post(`${emu.url}/openai/deployments/emb/embeddings?api-version=2024-10-21`, { input: 'hello', encoding_format: 'float', dimensions: 32 }, { 'api-key': 'k' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { embedding: number[]; index: number }[]; model: string };
      expect(body.model).toBe('emb');
      expect(body.data[0]?.embedding).toHaveLength(32);
    });
  });

  describe('bad input', () => {
    it.each([
      ['no messages', { model: 'm', messages: [] }, 'messages'],
      ['a message without a role', { model: 'm', messages: [{ content: 'hi' }] }, 'messages.0.role'],
      ['no model on the OpenAI path', { messages: [{ role: 'user', content: 'hi' }] }, 'model'],
      ['an unknown response_format', { model: 'm', messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'xml' } }, 'response_format.type'],
    ])('answers 400 in the OpenAI error shape for %s', async (_name, body, param) => {
      const res = await post(`${emu.url}/v1/chat/completions`, body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { message: string; type: string; code: string; param: string } };
      expect(json.error).toMatchObject({ type: 'invalid_request_error', param });
      expect(json.error.message).toEqual(expect.any(String));
      expect(json.error.code).toEqual(expect.any(String));
    });

    it('answers 400 for malformed JSON and keeps serving', async () => {
      const res = await fetch(`${emu.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer x' }, body: '{"model":' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
      expect((await fetch(`${emu.url}/health`)).status).toBe(200);
    });

    it('requires api-version on Azure paths like Azure does', async () => {
      const res = await post(`${emu.url}/openai/deployments/d/chat/completions`, { messages: [{ role: 'user', content: 'hi' }] }, { 'api-key': 'k' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MissingApiVersionParameter');
    });

    it('rejects calls without an api-key or bearer token with 401', async () => {
      const res = await post(`${emu.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, {});
      expect(res.status).toBe(401);
    });

    it('answers 404 for unknown paths and 405 for wrong methods', async () => {
      expect((await fetch(`${emu.url}/v2/nothing`)).status).toBe(404);
      expect((await fetch(`${emu.url}/v1/chat/completions`)).status).toBe(405);
      expect((await fetch(`${emu.url}/v1/models/%ZZ`)).status).toBe(404);
    });
  });

  describe('faults', () => {
    it('serves 429 with retry-after-ms and an Azure-like body', async () => {
      emu.setFaults({ failAll: true, status: 429, retryAfterMs: 1500 });
      const res = await post(`${emu.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after-ms')).toBe('1500');
      expect(res.headers.get('retry-after')).toBe('2');
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: '429', message: expect.any(String) });
    });

    it('surfaces injected 429s to the SDK as RateLimitError with the header', async () => {
      emu.setFaults({ failAll: true, status: 429, retryAfterMs: 250 });
      const error = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after-ms')).toBe('250');
    });

    it('fails everything with failAll via the admin API and recovers after DELETE', async () => {
      const set = await fetch(`${emu.url}/admin/faults`, { method: 'POST', body: JSON.stringify({ failAll: true, status: 503 }) });
      expect(set.status).toBe(200);
      expect(((await (await fetch(`${emu.url}/admin/faults`)).json()) as { active: boolean }).active).toBe(true);
      const failed = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
      expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(503);

      expect((await fetch(`${emu.url}/admin/faults`, { method: 'DELETE' })).status).toBe(200);
      const ok = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      expect(ok.choices[0]?.message.content).toBeTruthy();
      expect(emu.stats().faultsServed.byStatus['503']).toBeGreaterThanOrEqual(1);
    });

    it('limits faults to the listed deployments', async () => {
      emu.setFaults({ failAll: true, status: 500, deployments: ['broken'] });
      const healthy = await post(`${emu.url}/openai/deployments/healthy/chat/completions?api-version=v`, { messages: [{ role: 'user', content: 'hi' }] });
      const broken = await post(`${emu.url}/openai/deployments/broken/chat/completions?api-version=v`, { messages: [{ role: 'user', content: 'hi' }] });
      expect([healthy.status, broken.status]).toEqual([200, 500]);
    });

    it('rejects invalid fault settings with a 400 envelope', async () => {
      const res = await fetch(`${emu.url}/admin/faults`, {
        method: 'POST',
        headers: { 'x-correlation-id': 'corr-1' },
        body: JSON.stringify({ errorRate: 3, status: 418 }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string; details: unknown[]; correlationId: string } };
      expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', correlationId: 'corr-1' });
      expect(body.error.details).toHaveLength(2);
      expect(emu.getFaults().active).toBe(false);
    });

    it('hangs until the client aborts, then cleans up', async () => {
      emu.setFaults({ hang: true });
      const controller = new AbortController();
      const pending = openai.chat.completions
        .create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { signal: controller.signal })
        .catch((e: unknown) => e);
      await until(() => emu.stats().inFlight === 1);
      controller.abort();
      expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
      await until(() => emu.stats().inFlight === 0);
      expect(emu.stats().faultsServed.hangs).toBeGreaterThanOrEqual(1);
    });

    it('drops hanging requests when the emulator closes', async () => {
      const local = await startEmulator({ faults: { hang: true } });
      const client = new OpenAI({ baseURL: `${local.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const pending = client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      await until(() => local.stats().inFlight === 1);
      await local.close();
      expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    });
  });

  describe('quotas', () => {
    it('answers 429 with retry-after-ms once the RPM quota is used, with remaining headers on every response', async () => {
      const local = await startEmulator({ quotas: { 'gpt-4o': { rpm: 2, tpm: 100_000 } } });
      try {
        const call = (): Promise<Response> =>
          post(`${local.url}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`, { messages: [{ role: 'user', content: 'hi' }] }, { 'api-key': 'k' });
        const first = await call();
        expect(first.status).toBe(200);
        expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
        expect(Number(first.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(100_000);
        expect((await call()).headers.get('x-ratelimit-remaining-requests')).toBe('0');
        const limited = await call();
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after-ms'))).toBeGreaterThan(50_000);
        expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
        expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('429');
        expect(local.stats().quotaRejections.byDeployment['gpt-4o']).toBe(1);
        // another deployment has no quota
        const other = await post(`${local.url}/v1/chat/completions`, { model: 'other', messages: [{ role: 'user', content: 'hi' }] });
        expect(other.status).toBe(200);
        expect(other.headers.get('x-ratelimit-remaining-requests')).toBeNull();
      } finally {
        await local.close();
      }
    });

    it('admits requests again once the minute has slid past (fake clock)', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const local = await startEmulator({ quotas: { '*': { tpm: 60 } } });
      try {
        const call = (): Promise<Response> =>
          post(`${local.url}/v1/chat/completions`, { model: 'small', max_tokens: 40, messages: [{ role: 'user', content: 'hello there' }] });
        expect((await call()).status).toBe(200);
        const limited = await call();
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after-ms'))).toBeLessThanOrEqual(60_000);
        vi.setSystemTime(Date.now() + 60_001);
        expect((await call()).status).toBe(200);
      } finally {
        await local.close();
        vi.useRealTimers();
      }
    });

    it('changes quotas at run time through POST /admin/quotas', async () => {
      const res = await fetch(`${emu.url}/admin/quotas`, { method: 'POST', body: JSON.stringify({ tiny: { rpm: 1 } }) });
      expect(res.status).toBe(200);
      const call = (): Promise<Response> => post(`${emu.url}/v1/chat/completions`, { model: 'tiny', messages: [{ role: 'user', content: 'hi' }] });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(429);
      expect((await fetch(`${emu.url}/admin/quotas`, { method: 'POST', body: JSON.stringify({ tiny: { rpm: 0 } }) })).status).toBe(400);
      await fetch(`${emu.url}/admin/quotas`, { method: 'POST', body: '{}' });
    });
  });

  describe('latency', () => {
    it('holds the answer for the fixed latency (fake timers)', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const local = await startEmulator({ latency: { mode: 'fixed', ms: 5_000 } });
      try {
        let settled = false;
        const pending = post(`${local.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }).then((r) => {
          settled = true;
          return r;
        });
        for (let i = 0; i < 2_000 && local.stats().inFlight === 0; i++) await new Promise((r) => setImmediate(r));
        expect(local.stats().inFlight).toBe(1);
        await vi.advanceTimersByTimeAsync(4_000);
        expect(settled).toBe(false);
        await vi.advanceTimersByTimeAsync(1_000);
        expect((await pending).status).toBe(200);
      } finally {
        vi.useRealTimers();
        await local.close();
      }
    });
  });

  describe('operations endpoints', () => {
    it('serves health, readiness, models, stats and Prometheus metrics', async () => {
      expect(await (await fetch(`${emu.url}/health`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${emu.url}/ready`)).status).toBe(200);
      const models = await openai.models.list();
      expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');
      const stats = (await (await fetch(`${emu.url}/admin/stats`)).json()) as { requests: { total: number } };
      expect(stats.requests.total).toBeGreaterThan(0);
      const metrics = await (await fetch(`${emu.url}/metrics`)).text();
      expect(metrics).toMatch(/^llm_emulator_requests_total\{deployment="gpt-4o-mini",operation="chat"\} \d+$/m);
      expect(metrics).toContain('# TYPE llm_emulator_in_flight gauge');
    });
  });
});
