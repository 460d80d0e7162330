import { parseLlmConfig } from '../config.js';
import type { ChatRequest, ChatResult, EmbedResult, LlmClient } from '../client.js';
import { hashedNgramEmbedding } from '../embedding.js';
import { LlmEvents, type LlmEventName, type LlmListener } from '../events.js';
import type { PoolStats } from '../pool.js';
import { costUsd, ZERO_USAGE } from '../pricing.js';

export interface FakeLlmClientOptions {
  /**
   * Produces the answer for a call: a string (content) or a partial result, or throws to simulate a failure
   * (e.g. `new LlmUnavailableError()`). @default echoes the last user message
   */
  readonly respond?: (req: ChatRequest) => string | Partial<ChatResult> | Promise<string | Partial<ChatResult>>;
}

export interface FakeLlmClient extends LlmClient {
  /** Every chat request received, in order. */
  readonly calls: ChatRequest[];
}

function emptyStats(): PoolStats {
  return {
    pool_enabled: false,
    pool_size: 0,
    active_connections: 0,
    available_connections: 0,
    total_requests: 0,
    total_errors: 0,
    circuit_breaker_state: 'CLOSED',
    avg_wait_time_ms: 0,
    timestamp: new Date().toISOString(),
  };
}

/**
 * An in-process LlmClient for other packages' unit tests (no HTTP). For behaviour that depends on the real
 * protocol — routing, failover, pools — test against the LLM emulator instead.
 */
export function createFakeLlmClient(options: FakeLlmClientOptions = {}): FakeLlmClient {
  const events = new LlmEvents();
  const calls: ChatRequest[] = [];
  const config = parseLlmConfig({ deployments: [{ name: 'fake', provider: 'openai', endpoint: 'http://127.0.0.1:9/v1', model: 'gpt-4o-mini' }] });
  let requests = 0;
  return {
    calls,
    config,
    async chat(req) {
      calls.push(req);
      req.signal?.throwIfAborted();
      requests++;
      const last = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const produced = options.respond ? await options.respond(req) : last;
      const partial = typeof produced === 'string' ? { content: produced } : produced;
      const content = partial.content ?? '';
      const usage = partial.usage ?? {
        promptTokens: Math.ceil(req.messages.reduce((s, m) => s + m.content.length, 0) / 4),
        completionTokens: Math.ceil(content.length / 4),
        totalTokens: 0,
        cachedPromptTokens: 0,
      };
      const fixedUsage = { ...usage, totalTokens: usage.totalTokens || usage.promptTokens + usage.completionTokens };
      const model = partial.model ?? (req.task === 'respond' ? 'gpt-4o' : 'gpt-4o-mini');
      const result: ChatResult = {
        content,
        usage: fixedUsage,
        costUsd: partial.costUsd ?? costUsd(model, fixedUsage),
        model,
        deployment: partial.deployment ?? 'fake',
        cached: partial.cached ?? false,
        cacheKind: partial.cacheKind,
        finishReason: partial.finishReason ?? 'stop',
      };
      if (req.stream && req.onDelta) req.onDelta(content);
      events.emit('response', {
        task: req.task,
        tier: model.includes('mini') ? 'small' : 'large',
        deployment: result.deployment,
        model,
        usage: result.usage,
        costUsd: result.costUsd,
        latencyMs: 0,
        stream: req.stream === true,
      });
      return result;
    },
    async embed(texts): Promise<EmbedResult> {
      return { embeddings: texts.map((t) => hashedNgramEmbedding(t)), usage: ZERO_USAGE, costUsd: 0, model: 'local-hashed-ngram', deployment: 'local' };
    },
    stats() {
      const s = { ...emptyStats(), total_requests: requests };
      return { aggregate: s, deployments: { fake: { ...s } } };
    },
    on<E extends LlmEventName>(event: E, listener: LlmListener<E>) {
      return events.on(event, listener);
    },
    async close() {
      events.clear();
    },
  };
}
