import { PoolStats } from '@supportmesh/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLlmClient, type LlmClient } from './client.js';
import type { LlmClientConfigInput } from './config.js';
import { isLlmRequestError } from './errors/llm-request-error.js';
import { isLlmUnavailableError } from './errors/llm-unavailable-error.js';
import { isPoolExhaustedError } from './errors/pool-exhausted-error.js';
import type { LlmEventMap } from './events.js';
import { costUsd } from './pricing.js';
import { adminStats, azureDeployment, closeEmulators, emulator, openaiDeployment, upstreamChats, type Emulator } from './testing/emulator-fixture.js';

const clients: LlmClient[] = [];

function client(config: LlmClientConfigInput, deps: Parameters<typeof createLlmClient>[1] = {}): LlmClient {
  const c = createLlmClient(config, deps);
  clients.push(c);
  return c;
}

function twoTiers(emu: Emulator, extra: Partial<LlmClientConfigInput> = {}): LlmClientConfigInput {
  return {
    deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini'), openaiDeployment(emu, 'big', 'gpt-4o')],
    ...extra,
  };
}

const user = (content: string) => ({ role: 'user' as const, content });

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await closeEmulators();
});

describe('routing by task (hybrid router)', () => {
  it('sends classify and review to the small model and respond to the large model', async () => {
    const emu = await emulator();
    const c = client(twoTiers(emu, { crossTierFailover: false }));
    const classify = await c.chat({ task: 'classify', messages: [user('Where is my order?')] });
    const review = await c.chat({ task: 'review', messages: [user('Please check this reply.')] });
    const respond = await c.chat({ task: 'respond', messages: [user('Where is my order?')] });
    const generic = await c.chat({ task: 'generic', tier: 'large', messages: [user('Hello')] });
    expect([classify.model, review.model, respond.model, generic.model]).toEqual(['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o', 'gpt-4o']);
    const stats = await adminStats(emu);
    expect(stats.requests.byDeployment['gpt-4o-mini']?.chat).toBe(2);
    expect(stats.requests.byDeployment['gpt-4o']?.chat).toBe(2);
  });

  it('speaks the Azure OpenAI protocol to a named deployment', async () => {
    const emu = await emulator();
    const c = client({ deployments: [azureDeployment(emu, 'azure-mini', 'gpt-4o-mini', 'mini-prod-eu', { apiVersion: '2024-10-21' })] });
    const res = await c.chat({ task: 'classify', messages: [user('Where is my order?')] });
    expect(res).toMatchObject({ deployment: 'azure-mini', model: 'gpt-4o-mini', cached: false });
    expect(upstreamChats(emu, 'mini-prod-eu')).toBe(1);
  });

  it('enforces the task max_tokens budget even when a caller asks for more', async () => {
    const emu = await emulator();
    const c = client(twoTiers(emu, { maxTokens: { classify: 5 } }));
    const passages = 'Orders ship within two business days from our warehouse. Tracking numbers are emailed once the parcel leaves the warehouse.';
    const res = await c.chat({ task: 'classify', maxTokens: 4000, messages: [{ role: 'system', content: `[doc1] ${passages}` }, user('When do orders ship?')] });
    expect(res.usage.completionTokens).toBeLessThanOrEqual(5);
    expect(res.finishReason).toBe('length');
  });
});

describe('failover', () => {
  it('moves traffic to the next deployment during an injected outage and stops calling the broken one', async () => {
    const eu = await emulator();
    const us = await emulator();
    const c = client({
      deployments: [openaiDeployment(eu, 'mini-eu', 'gpt-4o-mini', { weight: 1000 }), openaiDeployment(us, 'mini-us', 'gpt-4o-mini', { weight: 1 })],
      crossTierFailover: false,
      cache: { enabled: false },
    });
    eu.setFaults({ failAll: true, status: 503 });
    const served: string[] = [];
    for (let i = 0; i < 8; i++) served.push((await c.chat({ task: 'classify', messages: [user(`question ${i}`)] })).deployment);
    expect(served).toEqual(Array(8).fill('mini-us'));
    // The outage opened mini-eu's breaker after 5 failures: later calls skip it without an upstream request.
    expect(upstreamChats(eu, 'gpt-4o-mini')).toBe(5);
    expect(c.stats().deployments['mini-eu']).toMatchObject({ circuit_breaker_state: 'OPEN', total_errors: 5 });
    expect(c.stats().aggregate.circuit_breaker_state).toBe('OPEN');
  });

  it('fails over to the other tier when every deployment of the wanted tier is down', async () => {
    const emu = await emulator({ faults: { failAll: true, status: 500, deployments: ['gpt-4o'] } });
    const c = client(twoTiers(emu, { retry: { maxRetries: 0 } }));
    const res = await c.chat({ task: 'respond', messages: [user('Where is my order?')] });
    expect(res.model).toBe('gpt-4o-mini');
  });

  it('gives a typed LlmUnavailableError listing every failed deployment when all are down', async () => {
    const emu = await emulator({ faults: { failAll: true, status: 500 } });
    const c = client(twoTiers(emu, { retry: { maxRetries: 1, baseDelayMs: 1 } }));
    const retries: LlmEventMap['retry'][] = [];
    c.on('retry', (e) => retries.push(e));
    const err = await c.chat({ task: 'respond', messages: [user('hi')] }).catch((e: unknown) => e);
    expect(isLlmUnavailableError(err)).toBe(true);
    if (!isLlmUnavailableError(err)) return;
    expect(err.code).toBe('LLM_UNAVAILABLE');
    expect(err.failures).toEqual([
      { deployment: 'big', code: 'UPSTREAM_ERROR', status: 500 },
      { deployment: 'mini', code: 'UPSTREAM_ERROR', status: 500 },
    ]);
    expect(retries).toHaveLength(1);
    expect(upstreamChats(emu, 'gpt-4o') + upstreamChats(emu, 'gpt-4o-mini')).toBe(4);
  });

  it('does not fail over or count a breaker failure on a request error (4xx)', async () => {
    const emu = await emulator();
    const c = client(twoTiers(emu, { breaker: { threshold: 1 } }));
    const err = await c
      .chat({ task: 'classify', messages: [user('hi')], responseFormat: { type: 'yaml' } as unknown as { type: 'text' } })
      .catch((e: unknown) => e);
    expect(isLlmRequestError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'LLM_REQUEST_REJECTED', status: 400, deployment: 'mini' });
    expect(upstreamChats(emu, 'gpt-4o')).toBe(0);
    expect(c.stats().aggregate.circuit_breaker_state).toBe('CLOSED');
  });
});

describe('quotas and credentials', () => {
  it('routes around a deployment whose RPM quota is spent instead of drawing a 429', async () => {
    const emu = await emulator();
    const c = client({
      deployments: [openaiDeployment(emu, 'mini-a', 'gpt-4o-mini', { weight: 1000, rpm: 1 }), openaiDeployment(emu, 'mini-b', 'gpt-4o-mini', { weight: 1 })],
      crossTierFailover: false,
      cache: { enabled: false },
    });
    const served: string[] = [];
    for (let i = 0; i < 3; i++) served.push((await c.chat({ task: 'classify', messages: [user(`q${i}`)] })).deployment);
    expect(served).toEqual(['mini-a', 'mini-b', 'mini-b']);
  });

  it('authenticates to Azure with an Entra ID bearer token when no key is configured', async () => {
    const emu = await emulator({ requireAuth: true });
    let tokens = 0;
    const c = client(
      { deployments: [{ name: 'az', provider: 'azure', endpoint: emu.url, model: 'gpt-4o-mini', deployment: 'mini-prod', auth: 'entra' }] },
      { azureADTokenProvider: async () => `token-${++tokens}` },
    );
    const res = await c.chat({ task: 'classify', messages: [user('hello')] });
    expect(res.deployment).toBe('az');
    expect(tokens).toBe(1);
    expect(upstreamChats(emu, 'mini-prod')).toBe(1);
  });
});

describe('429 handling', () => {
  it('waits at least the retry-after-ms the deployment sent before trying it again, without opening its breaker', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const emu = await emulator({ faults: { failAll: true, status: 429, retryAfterMs: 5000 } });
    const c = client({ deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini')], breaker: { threshold: 1 } }, { random: () => 0.5 });
    const starts: number[] = [];
    c.on('request', () => starts.push(Date.now()));
    const rateLimitedAt: number[] = [];
    c.on('error', (e) => {
      if (e.code !== 'RATE_LIMITED') return;
      rateLimitedAt.push(Date.now());
      emu.resetFaults();
    });
    const pending = c.chat({ task: 'classify', messages: [user('Where is my order?')] });
    await vi.waitFor(() => expect(rateLimitedAt).toHaveLength(1));
    // Fake time also flows with real time (shouldAdvanceTime, so HTTP keeps working): advance to 4.8 s after the 429.
    await vi.advanceTimersByTimeAsync(Math.max(0, (rateLimitedAt[0] ?? 0) + 4800 - Date.now()));
    expect(starts).toHaveLength(1);
    expect(c.stats().deployments['mini']?.circuit_breaker_state).toBe('CLOSED');
    await vi.advanceTimersByTimeAsync(300);
    const res = await pending;
    expect(res.deployment).toBe('mini');
    expect(starts).toHaveLength(2);
    expect((starts[1] ?? 0) - (rateLimitedAt[0] ?? Infinity)).toBeGreaterThanOrEqual(5000);
    expect(upstreamChats(emu, 'gpt-4o-mini')).toBe(2);
  });

  it('sends the next call to another deployment while one cools down after a 429', async () => {
    const emu = await emulator({ faults: { failAll: true, status: 429, retryAfterMs: 60_000, deployments: ['gpt-4o-mini'] } });
    const other = await emulator();
    const c = client({
      deployments: [openaiDeployment(emu, 'mini-a', 'gpt-4o-mini', { weight: 1000 }), openaiDeployment(other, 'mini-b', 'gpt-4o-mini', { weight: 1 })],
      crossTierFailover: false,
      cache: { enabled: false },
    });
    expect((await c.chat({ task: 'classify', messages: [user('one')] })).deployment).toBe('mini-b');
    expect((await c.chat({ task: 'classify', messages: [user('two')] })).deployment).toBe('mini-b');
    expect(upstreamChats(emu, 'gpt-4o-mini')).toBe(1);
  });
});

describe('connection pool', () => {
  it('rejects with PoolExhaustedError when no slot frees up within POOL_CONNECTION_TIMEOUT', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const emu = await emulator({ faults: { hang: true } });
    const c = client({
      deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini')],
      pool: { maxConnections: 1, minConnections: 0, connectionTimeoutMs: 2000 },
      cache: { enabled: false },
    });
    const hung = new AbortController();
    const first = c.chat({ task: 'classify', messages: [user('first')], signal: hung.signal }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(emu.stats().inFlight).toBe(1));
    expect(c.stats().deployments['mini']).toMatchObject({ active_connections: 1, available_connections: 0 });

    const second = c.chat({ task: 'classify', messages: [user('second')] }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2000);
    const err = await second;
    expect(isPoolExhaustedError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'POOL_EXHAUSTED', deployment: 'mini', reason: 'timeout' });
    expect(upstreamChats(emu, 'gpt-4o-mini')).toBe(1);

    hung.abort();
    expect(await first).toBeInstanceOf(Error);
    // The slot comes back once the aborted upstream request has unwound.
    await vi.waitFor(() => expect(c.stats().deployments['mini']?.active_connections).toBe(0));
    expect(c.stats().deployments['mini']).toMatchObject({ total_requests: 2, total_errors: 1, circuit_breaker_state: 'CLOSED' });
  });

  it('never has more upstream requests in flight than POOL_MAX_CONNECTIONS; the rest wait for a slot', async () => {
    const emu = await emulator({ latency: { mode: 'fixed', ms: 60 } });
    const c = client({ deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini')], pool: { maxConnections: 2, minConnections: 0 }, cache: { enabled: false } });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, emu.stats().inFlight)), 2);
    try {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => c.chat({ task: 'classify', messages: [user(`question ${i}`)] })));
      expect(results).toHaveLength(6);
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
    const stats = c.stats().deployments['mini'];
    expect(stats).toMatchObject({ pool_size: 2, total_requests: 6, active_connections: 0 });
    expect(stats?.avg_wait_time_ms).toBeGreaterThan(0);
  });

  it('stats() returns exactly the seed shape per deployment and aggregated', async () => {
    const emu = await emulator();
    const c = client(twoTiers(emu));
    await c.chat({ task: 'classify', messages: [user('hello')] });
    const { aggregate, deployments } = c.stats();
    const keys = [
      'active_connections',
      'available_connections',
      'avg_wait_time_ms',
      'circuit_breaker_state',
      'pool_enabled',
      'pool_size',
      'timestamp',
      'total_errors',
      'total_requests',
    ];
    expect(Object.keys(deployments).sort()).toEqual(['big', 'mini']);
    for (const s of [aggregate, ...Object.values(deployments)]) {
      expect(Object.keys(s).sort()).toEqual(keys);
      expect(PoolStats.parse(s)).toEqual(s); // the shared contract (strict: no extra keys)
    }
    expect(aggregate).toMatchObject({ pool_enabled: true, pool_size: 100, active_connections: 0, available_connections: 100, total_requests: 1, total_errors: 0, circuit_breaker_state: 'CLOSED' });
    expect(deployments['mini']).toMatchObject({ pool_size: 50, total_requests: 1 });
    expect(typeof aggregate.avg_wait_time_ms).toBe('number');
    expect(Number.isNaN(Date.parse(aggregate.timestamp))).toBe(false);
  });
});

describe('single-flight dedup', () => {
  it('answers 10 identical concurrent calls with one upstream request', async () => {
    const emu = await emulator({ latency: { mode: 'fixed', ms: 50 } });
    const c = client(twoTiers(emu, { cache: { enabled: false } }));
    const hits: LlmEventMap['cacheHit'][] = [];
    c.on('cacheHit', (e) => hits.push(e));
    const results = await Promise.all(Array.from({ length: 10 }, () => c.chat({ task: 'respond', messages: [user('Where is my order?')] })));
    expect((await adminStats(emu)).requests.byDeployment['gpt-4o']?.chat).toBe(1);
    expect(new Set(results.map((r) => r.content)).size).toBe(1);
    expect(results.filter((r) => !r.cached)).toHaveLength(1);
    expect(results.filter((r) => r.cacheKind === 'inflight')).toHaveLength(9);
    expect(hits.filter((h) => h.kind === 'inflight')).toHaveLength(9);
    // Spend is counted once.
    const spent = results.reduce((s, r) => s + r.costUsd, 0);
    expect(spent).toBeCloseTo(costUsd('gpt-4o', results.find((r) => !r.cached)?.usage ?? results[0]?.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0, cachedPromptTokens: 0 }), 12);
    expect(spent).toBeGreaterThan(0);
  });

  it('does not merge calls that differ in conversation context', async () => {
    const emu = await emulator({ latency: { mode: 'fixed', ms: 20 } });
    const c = client(twoTiers(emu, { cache: { enabled: false } }));
    await Promise.all([
      c.chat({ task: 'respond', messages: [user('Where is my order?')] }),
      c.chat({ task: 'respond', messages: [user('Hi'), { role: 'assistant', content: 'Hello!' }, user('Where is my order?')] }),
    ]);
    expect(upstreamChats(emu, 'gpt-4o')).toBe(2);
  });
});

describe('response caches', () => {
  const system = { role: 'system' as const, content: 'You are the support assistant of Contoso. Answer from the passages.' };

  it('serves a repeated question from the exact cache and a paraphrase from the semantic cache', async () => {
    const emu = await emulator();
    const c = client(twoTiers(emu));
    const events: string[] = [];
    c.on('cacheHit', (e) => events.push(`hit:${e.kind}`));
    c.on('cacheMiss', () => events.push('miss'));

    const first = await c.chat({ task: 'respond', messages: [system, user('How do I reset my password?')] });
    const again = await c.chat({ task: 'respond', messages: [system, user('How do I reset my password?')] });
    const paraphrase = await c.chat({ task: 'respond', messages: [system, user('how can I reset my password')] });
    const other = await c.chat({ task: 'respond', messages: [system, user('Where is my order?')] });

    expect(first.cached).toBe(false);
    expect(again).toMatchObject({ cached: true, cacheKind: 'exact', content: first.content, costUsd: 0 });
    expect(paraphrase).toMatchObject({ cached: true, cacheKind: 'semantic', content: first.content, costUsd: 0 });
    expect(other.cached).toBe(false);
    expect(events).toEqual(['miss', 'hit:exact', 'hit:semantic', 'miss']);
    expect(upstreamChats(emu, 'gpt-4o')).toBe(2);
  });

  it('never replays an earlier turn of a multi-turn conversation', async () => {
    const emu = await emulator();
    const c = client(twoTiers(emu));
    const turn1 = [system, user('Where is my order?')];
    const a1 = await c.chat({ task: 'respond', messages: turn1 });
    const turn2 = [...turn1, { role: 'assistant' as const, content: a1.content }, user('Where is my order?')];
    const a2 = await c.chat({ task: 'respond', messages: turn2 });
    expect(a2.cached).toBe(false);
    const otherSystem = await c.chat({ task: 'respond', messages: [{ role: 'system', content: 'You are a different bot.' }, user('Where is my order?')] });
    expect(otherSystem.cached).toBe(false);
    const otherOrder = await c.chat({ task: 'respond', messages: [system, user('Where is my order 12345?')] });
    expect(otherOrder.cached).toBe(false);
    expect(upstreamChats(emu, 'gpt-4o')).toBe(4);
  });

  it('caches only temperature 0, non-streaming answers', async () => {
    const emu = await emulator();
    const c = client(twoTiers(emu));
    for (let i = 0; i < 2; i++) await c.chat({ task: 'respond', temperature: 0.7, messages: [user('Tell me a joke')] });
    for (let i = 0; i < 2; i++) await c.chat({ task: 'respond', stream: true, messages: [user('Tell me a story')] });
    expect(upstreamChats(emu, 'gpt-4o')).toBe(4);
  });

  it('uses the embeddings deployment for the semantic cache when one is configured', async () => {
    const emu = await emulator();
    const c = client({
      deployments: [openaiDeployment(emu, 'big', 'gpt-4o'), openaiDeployment(emu, 'emb', 'text-embedding-3-small')],
      cache: { semanticThreshold: 0.999 },
    });
    await c.chat({ task: 'respond', messages: [user('Where is my order?')] });
    await c.chat({ task: 'respond', messages: [user('Where is my order?!')] });
    expect(emu.stats().requests.byDeployment['text-embedding-3-small']?.embeddings).toBeGreaterThanOrEqual(1);
  });
});

describe('token and cost accounting', () => {
  it('takes usage from the provider and prices it per model, streaming included', async () => {
    const emu = await emulator();
    const c = client(twoTiers(emu, { cache: { enabled: false } }));
    const responses: LlmEventMap['response'][] = [];
    c.on('response', (e) => responses.push(e));
    const plain = await c.chat({ task: 'respond', messages: [user('What is the refund policy?')] });
    const deltas: string[] = [];
    const streamed = await c.chat({ task: 'respond', stream: true, onDelta: (d) => deltas.push(d), messages: [user('What is the refund policy?')] });

    const tokens = emu.stats().tokens;
    expect(plain.usage.promptTokens + streamed.usage.promptTokens).toBe(tokens.prompt);
    expect(plain.usage.completionTokens + streamed.usage.completionTokens).toBe(tokens.completion);
    expect(plain.usage.totalTokens).toBe(plain.usage.promptTokens + plain.usage.completionTokens);
    expect(streamed.usage).toEqual(plain.usage);
    expect(streamed.content).toBe(plain.content);
    expect(deltas.join('')).toBe(plain.content);
    expect(plain.costUsd).toBeGreaterThan(0);
    expect(plain.costUsd).toBeCloseTo((plain.usage.promptTokens * 2.5 + plain.usage.completionTokens * 10) / 1e6, 12);
    expect(responses.map((r) => [r.deployment, r.costUsd, r.stream])).toEqual([
      ['big', plain.costUsd, false],
      ['big', streamed.costUsd, true],
    ]);
  });
});

describe('embeddings', () => {
  it('embeds through the embeddings deployment and falls back to the local hashed embedding without one', async () => {
    const emu = await emulator();
    const withProvider = client({ deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini'), openaiDeployment(emu, 'emb', 'text-embedding-3-small')] });
    const remote = await withProvider.embed(['refund policy', 'shipping times']);
    expect(remote).toMatchObject({ model: 'text-embedding-3-small', deployment: 'emb' });
    expect(remote.embeddings).toHaveLength(2);
    expect(remote.usage.promptTokens).toBeGreaterThan(0);
    expect(remote.costUsd).toBeCloseTo((remote.usage.promptTokens * 0.02) / 1e6, 15);

    const local = await client(twoTiers(emu)).embed(['refund policy']);
    expect(local).toMatchObject({ model: 'local-hashed-ngram', deployment: 'local', costUsd: 0 });
    expect(local.embeddings[0]).toHaveLength(512);
  });
});

describe('cancellation', () => {
  it('a caller abort ends the call at once and is not a deployment failure', async () => {
    const emu = await emulator({ faults: { hang: true } });
    const c = client({ deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini')], breaker: { threshold: 1 }, cache: { enabled: false } });
    const ac = new AbortController();
    const pending = c.chat({ task: 'classify', messages: [user('hello')], signal: ac.signal });
    await vi.waitFor(() => expect(emu.stats().inFlight).toBe(1));
    ac.abort(new Error('customer hung up'));
    await expect(pending).rejects.toThrow('customer hung up');
    await vi.waitFor(() => expect(c.stats().deployments['mini']?.active_connections).toBe(0));
    await vi.waitFor(() => expect(emu.stats().inFlight).toBe(0));
    expect(c.stats().deployments['mini']).toMatchObject({ circuit_breaker_state: 'CLOSED', total_errors: 0 });
  });
});
