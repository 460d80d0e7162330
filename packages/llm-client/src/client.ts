import type OpenAI from 'openai';
import { abortReason, retry } from '@supportmesh/resilience';
import { MemoryCache, MemoryVectorCache, type CacheStore, type VectorCacheStore } from '@supportmesh/state';
import type { ChatMessage, CacheKeyInput } from './cache-keys.js';
import { exactCacheKey } from './cache-keys.js';
import { parseLlmConfig, TASKS, type LlmClientConfig, type LlmClientConfigInput, type Task, type Tier } from './config.js';
import { DeploymentRuntime } from './deployment.js';
import { hashedNgramEmbedding } from './embedding.js';
import { isLlmUnavailableError, LlmUnavailableError, type AttemptFailure } from './errors/llm-unavailable-error.js';
import { isPoolExhaustedError } from './errors/pool-exhausted-error.js';
import { LlmRequestError } from './errors/llm-request-error.js';
import { LlmEvents, type LlmEventName, type LlmListener } from './events.js';
import { classifyFailure, RETRYABLE_KINDS } from './failures.js';
import { aggregatePoolStats, type PoolStats } from './pool.js';
import { costUsd, PRICE_TABLE, usageFromProvider, ZERO_USAGE, type ModelPrice, type Usage } from './pricing.js';
import { ResponseCache, type CachedAnswer } from './response-cache.js';
import { routeOrder, weightedOrder } from './router.js';
import { SingleFlight } from './singleflight.js';

/** `response_format` as the chat-completions API takes it. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean | null; description?: string } };

export interface ChatRequest {
  readonly task: Task;
  readonly messages: readonly ChatMessage[];
  /** Lowered to the task's budget (`LLM_MAX_TOKENS_<TASK>`) when larger. */
  readonly maxTokens?: number;
  /** @default 0 (deterministic; only temperature 0 answers are cached) */
  readonly temperature?: number;
  readonly responseFormat?: ResponseFormat;
  readonly signal?: AbortSignal;
  /** Stream from the provider (usage read from the final chunk); never cached or deduplicated. */
  readonly stream?: boolean;
  /** Receives text deltas while streaming. */
  readonly onDelta?: (text: string) => void;
  /** For `generic` calls: which tier to use. @default the configured generic tier (small) */
  readonly tier?: 'small' | 'large';
  /** Pin a model: only deployments serving it are used. */
  readonly model?: string;
  /** Set false to bypass the response caches for this call. @default true */
  readonly cache?: boolean;
  /** Set false to never share an in-flight call. @default true */
  readonly dedup?: boolean;
}

export interface ChatResult {
  readonly content: string;
  /** Tokens of the upstream call that produced the answer (also for cached answers). */
  readonly usage: Usage;
  /** What this call spent: 0 when served from a cache or by joining an identical in-flight call. */
  readonly costUsd: number;
  readonly model: string;
  readonly deployment: string;
  readonly cached: boolean;
  readonly cacheKind?: 'exact' | 'semantic' | 'inflight' | undefined;
  readonly finishReason?: string | undefined;
}

export interface EmbedResult {
  readonly embeddings: number[][];
  readonly usage: Usage;
  readonly costUsd: number;
  /** The embeddings model, or `local-hashed-ngram` when none is configured. */
  readonly model: string;
  readonly deployment: string;
}

export interface LlmClient {
  chat(req: ChatRequest): Promise<ChatResult>;
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<EmbedResult>;
  stats(): { aggregate: PoolStats; deployments: Record<string, PoolStats> };
  on<E extends LlmEventName>(event: E, listener: LlmListener<E>): () => void;
  /** The resolved configuration (keys included: never log it whole). */
  readonly config: LlmClientConfig;
  close(): Promise<void>;
}

/** The slice of a pino logger the client uses. Never handed message text or keys. */
export interface LlmLogger {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface LlmClientDeps {
  /** Exact response cache store (RedisCache in services). @default an in-process MemoryCache */
  readonly cache?: CacheStore;
  /** Semantic cache store (RedisVectorCache in services). @default an in-process MemoryVectorCache */
  readonly vectorCache?: VectorCacheStore;
  readonly logger?: LlmLogger;
  readonly clock?: { now(): number };
  /** Random source for weighted routing and retry jitter. @default Math.random */
  readonly random?: () => number;
  /** Price overrides per model (USD per 1M tokens). */
  readonly prices?: Readonly<Record<string, ModelPrice>>;
  /** Entra ID token provider override (default: DefaultAzureCredential). */
  readonly azureADTokenProvider?: () => Promise<string>;
}

export const LOCAL_EMBEDDING_MODEL = 'local-hashed-ngram';

const CHAT_ROLES = new Set(['system', 'developer', 'user', 'assistant']);

/** Thrown inside a round to stop failover and retries (a stream that already delivered text). */
class Final {
  constructor(readonly error: unknown) {}
}

interface Normalized {
  readonly task: Task;
  readonly tier: Exclude<Tier, 'embedding'>;
  readonly model?: string | undefined;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  readonly temperature: number;
  readonly responseFormat?: ResponseFormat | undefined;
  readonly stream: boolean;
  readonly onDelta?: ((text: string) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** How long a half-open deployment waits for a real call before the client probes it itself. */
const HALF_OPEN_PROBE_DELAY_MS = 1_000;

function estimateTokens(messages: readonly ChatMessage[], maxTokens: number): number {
  let chars = 0;
  for (const m of messages) chars += m.content.length;
  return Math.ceil(chars / 4) + maxTokens;
}

/**
 * Creates the pooled LLM client: hybrid routing by task over weighted deployments, per-deployment pool and breaker,
 * failover, retries honouring retry-after, token/cost accounting, single-flight dedup and exact + semantic caches.
 */
export function createLlmClient(config: LlmClientConfig | LlmClientConfigInput, deps: LlmClientDeps = {}): LlmClient {
  return new PooledLlmClient(config, deps);
}

class PooledLlmClient implements LlmClient {
  readonly config: LlmClientConfig;
  readonly #deps: LlmClientDeps;
  readonly #deployments: DeploymentRuntime[];
  readonly #events: LlmEvents;
  readonly #flights = new SingleFlight<ChatResult>();
  readonly #embedFlights = new SingleFlight<{ vector: number[]; model: string } | undefined>();
  readonly #cache: ResponseCache | undefined;
  readonly #embedCache: CacheStore;
  readonly #now: () => number;
  readonly #prices: Readonly<Record<string, ModelPrice>>;
  #closed = false;

  constructor(config: LlmClientConfig | LlmClientConfigInput, deps: LlmClientDeps) {
    this.config = parseLlmConfig(config);
    this.#deps = deps;
    const clock = deps.clock;
    this.#now = clock ? () => clock.now() : Date.now;
    this.#prices = { ...PRICE_TABLE, ...deps.prices };
    this.#events = new LlmEvents((err, event) => deps.logger?.warn({ err, event }, 'llm-client event listener threw'));
    const cfg = this.config;
    this.#deployments = cfg.deployments.map(
      (d) =>
        new DeploymentRuntime(d, {
          pool: cfg.pool,
          breaker: cfg.breaker,
          requestTimeoutMs: cfg.requestTimeoutMs,
          now: this.#now,
          ...(deps.azureADTokenProvider ? { azureADTokenProvider: deps.azureADTokenProvider } : {}),
        }),
    );
    for (const d of this.#deployments) {
      d.breaker.on('open', () => this.#events.emit('breaker', { deployment: d.name, state: 'OPEN' }));
      d.breaker.on('halfOpen', () => {
        this.#events.emit('breaker', { deployment: d.name, state: 'HALF_OPEN' });
        this.#scheduleProbe(d);
      });
      d.breaker.on('close', () => this.#events.emit('breaker', { deployment: d.name, state: 'CLOSED' }));
    }
    const store = deps.cache ?? new MemoryCache({ maxEntries: 10_000, clock: this.#now });
    this.#embedCache = store;
    if (cfg.cache.enabled) {
      this.#cache = new ResponseCache({
        store,
        vectors: cfg.cache.semantic ? (deps.vectorCache ?? new MemoryVectorCache({ clock: this.#now })) : undefined,
        embed: (text, signal) => this.#embedForCache(text, signal),
        ttlSec: cfg.cache.ttlSec,
        semanticThreshold: cfg.cache.semanticThreshold,
        keyPrefix: cfg.cache.keyPrefix,
        onError: (err, op) => deps.logger?.warn({ err: { code: (err as { code?: unknown }).code }, op }, 'llm cache unavailable; treated as miss'),
      });
    }
  }

  /**
   * A half-open deployment that no route sends traffic to (a cross-tier fallback, an idle embeddings deployment)
   * would stay half-open for ever. If no call has taken the probe slot within a second, the client sends one minimal
   * request through the breaker itself: success closes it, failure re-opens it.
   */
  #scheduleProbe(d: DeploymentRuntime): void {
    const timer = setTimeout(() => {
      if (this.#closed || d.breaker.state !== 'HALF_OPEN') return;
      const signal = AbortSignal.timeout(this.config.requestTimeoutMs);
      const probe =
        d.tier === 'embedding'
          ? d.run((sdk, s) => sdk.embeddings.create({ model: d.config.deployment, input: ['ping'], encoding_format: 'float' }, { signal: s }), signal)
          : this.#chatOnce(d, { task: 'generic', tier: d.tier, messages: [{ role: 'user', content: 'ping' }], maxTokens: 1, temperature: 0, stream: false }, signal);
      probe.catch((err: unknown) => this.#deps.logger?.debug?.({ deployment: d.name, code: (err as { code?: unknown }).code }, 'llm half-open probe failed'));
    }, HALF_OPEN_PROBE_DELAY_MS);
    timer.unref();
  }

  on<E extends LlmEventName>(event: E, listener: LlmListener<E>): () => void {
    return this.#events.on(event, listener);
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    if (this.#closed) throw new LlmUnavailableError({ message: 'LLM client is closed' });
    const n = this.#normalize(req);
    n.signal?.throwIfAborted();
    const keyInput: CacheKeyInput = {
      task: n.task,
      tier: n.tier,
      model: n.model,
      messages: n.messages,
      maxTokens: n.maxTokens,
      temperature: n.temperature,
      responseFormat: n.responseFormat,
    };
    const cache = req.cache !== false && !n.stream && n.temperature === 0 ? this.#cache : undefined;
    if (cache) {
      const hit = await cache.lookup(keyInput, n.signal);
      if (hit) {
        this.#events.emit('cacheHit', { task: n.task, kind: hit.kind, similarity: hit.similarity });
        return { ...hit.answer, costUsd: 0, cached: true, cacheKind: hit.kind };
      }
      this.#events.emit('cacheMiss', { task: n.task });
    }
    const produce = async (signal: AbortSignal | undefined): Promise<ChatResult> => {
      const result = await this.#complete({ ...n, signal });
      if (cache && result.finishReason !== 'content_filter') {
        const answer: CachedAnswer = {
          content: result.content,
          usage: result.usage,
          model: result.model,
          deployment: result.deployment,
          finishReason: result.finishReason,
        };
        await cache.store(keyInput, answer, signal);
      }
      return result;
    };
    if (n.stream || req.dedup === false) return produce(n.signal);
    const { value, shared } = await this.#flights.do(exactCacheKey(keyInput), (s) => produce(s), n.signal);
    if (!shared) return value;
    this.#events.emit('cacheHit', { task: n.task, kind: 'inflight' });
    return { ...value, costUsd: 0, cached: true, cacheKind: 'inflight' };
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<EmbedResult> {
    if (this.#closed) throw new LlmUnavailableError({ message: 'LLM client is closed' });
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new TypeError('embed: texts must be an array of strings');
    const embedding = this.#deployments.filter((d) => d.tier === 'embedding');
    if (embedding.length === 0 || texts.length === 0) {
      return {
        embeddings: texts.map((t) => hashedNgramEmbedding(t)),
        usage: ZERO_USAGE,
        costUsd: 0,
        model: LOCAL_EMBEDDING_MODEL,
        deployment: 'local',
      };
    }
    return this.#embedRemote(embedding, texts, options.signal, true);
  }

  /** Embeddings through the embeddings deployments (weighted, failover, and — unless `retries` is false — retries). */
  #embedRemote(embedding: readonly DeploymentRuntime[], texts: readonly string[], signal: AbortSignal | undefined, retries: boolean): Promise<EmbedResult> {
    const estimated = Math.ceil(texts.reduce((s, t) => s + t.length, 0) / 4);
    const attempts = { n: 0 };
    const round = (): Promise<EmbedResult> =>
      this.#round('embed', false, attempts, weightedOrder(embedding, this.#deps.random), estimated, signal, async (d, callSignal) => {
        const started = this.#now();
        const res = await d.run(
          (sdk, s) => sdk.embeddings.create({ model: d.config.deployment, input: [...texts], encoding_format: 'float' }, { signal: s }),
          callSignal,
        );
        const usage = usageFromProvider(res.usage) ?? ZERO_USAGE;
        const cost = costUsd(d.model, usage, this.#prices);
        const embeddings = [...res.data].sort((a, b) => a.index - b.index).map((e) => e.embedding);
        this.#events.emit('response', {
          task: 'embed',
          tier: 'embedding',
          deployment: d.name,
          model: d.model,
          usage,
          costUsd: cost,
          latencyMs: this.#now() - started,
          stream: false,
        });
        return { embeddings, usage, costUsd: cost, model: d.model, deployment: d.name };
      });
    return retries ? this.#withRetries('embed', signal, round) : round();
  }

  stats(): { aggregate: PoolStats; deployments: Record<string, PoolStats> } {
    const now = new Date(this.#now());
    const deployments: Record<string, PoolStats> = {};
    const parts = this.#deployments.map((d) => {
      const stats = d.pool.stats(d.breaker.state, now);
      deployments[d.name] = stats;
      return { stats, wait: d.pool.waitTotals };
    });
    return { aggregate: aggregatePoolStats(parts, now), deployments };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#deployments.map((d) => d.close()));
    this.#events.clear();
  }

  #normalize(req: ChatRequest): Normalized {
    if (typeof req !== 'object' || req === null) throw new TypeError('chat: request must be an object');
    if (!(TASKS as readonly string[]).includes(req.task)) throw new TypeError(`chat: unknown task "${String(req.task)}"`);
    if (!Array.isArray(req.messages) || req.messages.length === 0) throw new TypeError('chat: messages must be a non-empty array');
    for (const m of req.messages) {
      if (!m || !CHAT_ROLES.has(m.role) || typeof m.content !== 'string') {
        throw new TypeError('chat: each message needs a role (system|developer|user|assistant) and string content');
      }
    }
    const budget = this.config.maxTokens[req.task];
    if (req.maxTokens !== undefined && !(Number.isInteger(req.maxTokens) && req.maxTokens > 0)) {
      throw new RangeError('chat: maxTokens must be a positive integer');
    }
    const temperature = req.temperature ?? 0;
    if (!(temperature >= 0 && temperature <= 2)) throw new RangeError('chat: temperature must be within 0..2');
    const tier = req.task === 'generic' ? (req.tier ?? this.config.taskTiers.generic) : this.config.taskTiers[req.task];
    return {
      task: req.task,
      tier,
      model: req.model,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      maxTokens: Math.min(req.maxTokens ?? budget, budget),
      temperature,
      responseFormat: req.responseFormat,
      stream: req.stream === true,
      onDelta: req.onDelta,
      signal: req.signal,
    };
  }

  /** Rounds over the routed deployments with our retries (outside every breaker) until one answers. */
  #complete(n: Normalized): Promise<ChatResult> {
    const estimated = estimateTokens(n.messages, n.maxTokens);
    const attempts = { n: 0 };
    return this.#withRetries(n.task, n.signal, () => {
      const order = routeOrder(this.#deployments, { task: n.task, tier: n.tier, model: n.model }, {
        crossTierFailover: this.config.crossTierFailover,
        ...(this.#deps.random ? { random: this.#deps.random } : {}),
      });
      return this.#round(n.task, n.stream, attempts, order, estimated, n.signal, (d, signal) => this.#chatOnce(d, n, signal));
    });
  }

  async #withRetries<T>(task: Task | 'embed', signal: AbortSignal | undefined, round: () => Promise<T>): Promise<T> {
    const r = this.config.retry;
    try {
      return await retry(() => round(), {
        maxAttempts: r.maxRetries + 1,
        baseDelayMs: r.baseDelayMs,
        maxDelayMs: r.maxDelayMs,
        budgetMs: r.budgetMs,
        now: this.#now,
        ...(signal ? { signal } : {}),
        ...(this.#deps.random ? { random: this.#deps.random } : {}),
        isRetryable: (err) => isLlmUnavailableError(err) && err.failures.some((a) => RETRYABLE_KINDS.has(a.code)),
        // Only the provider's own hints (429 retry-after, a spent quota) set the wait. An open breaker's remaining reset
        // is not one: waiting it out held in-flight calls for up to 30 s; the next round fails fast instead.
        retryAfterMs: (err) =>
          isLlmUnavailableError(err) && err.failures.some((a) => a.code === 'RATE_LIMITED' || a.code === 'QUOTA_EXCEEDED') ? err.retryAfterMs : undefined,
        onRetry: ({ attempt, delayMs, error }) =>
          this.#events.emit('retry', {
            task,
            attempt,
            delayMs,
            code: isLlmUnavailableError(error) ? (error.failures.at(-1)?.code ?? error.code) : 'UNKNOWN',
          }),
      });
    } catch (err) {
      if (err instanceof Final) throw err.error;
      throw err;
    }
  }

  /**
   * One round: walk the route order, skipping deployments that may not take the call now, failing over on
   * 429/5xx/timeouts/open breakers/full pools. Request errors (other 4xx) and caller aborts end the call at once.
   */
  async #round<T>(
    task: Task | 'embed',
    stream: boolean,
    attempts: { n: number },
    order: readonly DeploymentRuntime[],
    estimatedTokens: number,
    signal: AbortSignal | undefined,
    call: (d: DeploymentRuntime, signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    if (order.length === 0) {
      throw new LlmUnavailableError({ message: `No deployment serves ${task === 'embed' ? 'embeddings' : `task "${task}"`}` });
    }
    const failures: AttemptFailure[] = [];
    let retryAfterMs: number | undefined;
    let lastError: unknown;
    const noteWait = (ms: number | undefined): void => {
      if (ms !== undefined && ms >= 0) retryAfterMs = retryAfterMs === undefined ? ms : Math.min(retryAfterMs, ms);
    };
    for (const d of order) {
      if (signal?.aborted) throw abortReason(signal);
      const admission = d.admit(estimatedTokens);
      if (!admission.ok) {
        failures.push({ deployment: d.name, code: admission.code });
        noteWait(admission.retryAfterMs);
        this.#events.emit('error', { task, deployment: d.name, model: d.model, code: admission.code });
        continue;
      }
      this.#events.emit('request', { task, tier: d.tier, deployment: d.name, model: d.model, attempt: ++attempts.n, stream });
      const started = this.#now();
      try {
        return await call(d, signal);
      } catch (err) {
        if (err instanceof Final) throw err;
        if (signal?.aborted) throw abortReason(signal);
        const c = classifyFailure(err, this.#now());
        this.#events.emit('error', { task, deployment: d.name, model: d.model, code: c.kind, status: c.status, latencyMs: this.#now() - started });
        if (c.kind === 'ABORTED') throw err;
        if (c.kind === 'REJECTED') throw new Final(new LlmRequestError(d.name, c.status, { cause: err }));
        this.#deps.logger?.debug?.({ deployment: d.name, code: c.kind, status: c.status }, 'llm deployment attempt failed; failing over');
        failures.push({ deployment: d.name, code: c.kind, status: c.status });
        if (c.kind === 'RATE_LIMITED' || c.kind === 'CIRCUIT_OPEN') noteWait(c.retryAfterMs);
        lastError = err;
      }
    }
    if (failures.every((f) => f.code === 'POOL_EXHAUSTED') && isPoolExhaustedError(lastError)) throw lastError;
    throw new LlmUnavailableError({ retryAfterMs, failures, cause: lastError });
  }

  async #chatOnce(d: DeploymentRuntime, n: Normalized, signal: AbortSignal | undefined): Promise<ChatResult> {
    const started = this.#now();
    const body = {
      model: d.config.deployment,
      messages: n.messages.map((m) => ({ role: m.role, content: m.content })) as OpenAI.Chat.ChatCompletionMessageParam[],
      max_tokens: n.maxTokens,
      temperature: n.temperature,
      ...(n.responseFormat ? { response_format: n.responseFormat } : {}),
    };
    let result: { content: string; usage: Usage | undefined; finishReason?: string | undefined };
    if (n.stream) {
      let delivered = false;
      try {
        result = await d.run(async (sdk, s) => {
          const stream = await sdk.chat.completions.create(
            { ...body, stream: true, stream_options: { include_usage: true } },
            { signal: s },
          );
          let content = '';
          let usage: Usage | undefined;
          let finishReason: string | undefined;
          for await (const chunk of stream) {
            const choice = chunk.choices[0];
            const delta = choice?.delta?.content;
            if (delta) {
              content += delta;
              delivered = true;
              n.onDelta?.(delta);
            }
            if (choice?.finish_reason) finishReason = choice.finish_reason;
            if (chunk.usage) usage = usageFromProvider(chunk.usage);
          }
          return { content, usage, finishReason };
        }, signal);
      } catch (err) {
        // Text already reached the caller: another deployment would repeat it.
        if (delivered) throw new Final(err);
        throw err;
      }
    } else {
      const res = await d.run((sdk, s) => sdk.chat.completions.create({ ...body, stream: false }, { signal: s }), signal);
      const choice = res.choices[0];
      result = { content: choice?.message?.content ?? '', usage: usageFromProvider(res.usage), finishReason: choice?.finish_reason ?? undefined };
    }
    const usage = result.usage ?? estimateUsage(n.messages, result.content);
    const cost = costUsd(d.model, usage, this.#prices);
    this.#events.emit('response', {
      task: n.task,
      tier: d.tier,
      deployment: d.name,
      model: d.model,
      usage,
      costUsd: cost,
      latencyMs: this.#now() - started,
      stream: n.stream,
    });
    return {
      content: result.content,
      usage,
      costUsd: cost,
      model: d.model,
      deployment: d.name,
      cached: false,
      finishReason: result.finishReason,
    };
  }

  /**
   * Vector for the semantic cache: the embeddings deployment when configured (memoised in the cache store, concurrent
   * identical lookups share one call, a single round without retries so a sick embeddings deployment only costs a
   * cache miss), else the local embedding.
   */
  async #embedForCache(text: string, signal?: AbortSignal): Promise<{ vector: number[]; model: string } | undefined> {
    const embedding = this.#deployments.filter((d) => d.tier === 'embedding');
    if (embedding.length === 0) return { vector: hashedNgramEmbedding(text), model: LOCAL_EMBEDDING_MODEL };
    const key = `${this.config.cache.keyPrefix}emb:${exactCacheKey({ task: 'embed', tier: 'embedding', messages: [{ role: 'user', content: text }], maxTokens: 0, temperature: 0 })}`;
    const { value } = await this.#embedFlights.do(
      key,
      async (flightSignal) => {
        try {
          const cached = await this.#embedCache.get(key);
          if (cached) return JSON.parse(cached) as { vector: number[]; model: string };
        } catch {
          // a cache problem is a miss
        }
        const res = await this.#embedRemote(embedding, [text], flightSignal, false);
        const vector = res.embeddings[0];
        if (!vector) return undefined;
        const fresh = { vector, model: res.model };
        await this.#embedCache.set(key, JSON.stringify(fresh), this.config.cache.ttlSec).catch(() => undefined);
        return fresh;
      },
      signal,
    );
    return value;
  }
}

/** Fallback when a provider sends no usage: about four characters per token. */
function estimateUsage(messages: readonly ChatMessage[], content: string): Usage {
  const promptTokens = Math.max(1, Math.ceil(messages.reduce((s, m) => s + m.content.length, 0) / 4));
  const completionTokens = Math.ceil(content.length / 4);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, cachedPromptTokens: 0 };
}
