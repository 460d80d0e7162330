import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z, ZodError } from 'zod';
import { ChatRequestSchema, CompletionEngine, type ChatRequest, type Completion } from './chat.js';
import { embed, toBase64, DEFAULT_EMBEDDING_DIMENSIONS } from './embeddings.js';
import { FaultController, type Faults } from './faults.js';
import { apiError, readJson, sendJson, zodMessage, type Headers } from './http.js';
import { createLatencySampler, type LatencyConfig } from './latency.js';
import { mulberry32 } from './prng.js';
import { QuotasSchema, QuotaTracker, type QuotaResult, type Quotas } from './quotas.js';
import { Stats, type Operation, type StatsSnapshot } from './stats.js';
import { estimateTokens } from './tokens.js';

export interface EmulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Delay before each answer (before the first byte when streaming). @default none (0 ms) */
  latency?: LatencyConfig;
  /** Streaming pace; 0 sends the whole stream at once. @default 0 */
  tokensPerSecond?: number;
  /** Faults active from the start. */
  faults?: Faults;
  /** RPM/TPM per deployment (`*` = every other deployment). */
  quotas?: Quotas;
  /** Seed of the PRNGs behind latency and fault sampling. @default 42 */
  seed?: number;
  /** Reject LLM calls without an `api-key` or `Authorization: Bearer` header (401). @default true */
  requireAuth?: boolean;
  /** Model ids listed by `GET /v1/models` (quota deployments are added). @default gpt-4o, gpt-4o-mini, text-embedding-3-small */
  models?: string[];
}

export interface Emulator {
  /** `http://host:port` (OpenAI paths under `/v1`, Azure paths under `/openai/deployments/{d}`). */
  url: string;
  port: number;
  /** Replaces the active faults (validated; throws on bad input). */
  setFaults(faults: Faults): void;
  resetFaults(): void;
  getFaults(): { faults: Faults; active: boolean; expiresAt?: string };
  setQuotas(quotas: Quotas): void;
  stats(): StatsSnapshot;
  /** Stops listening, drops open connections (hanging requests included). */
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'];
const BODY_LIMIT = 8 * 1024 * 1024;
const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

const EmbeddingRequestSchema = z.looseObject({
  model: z.string().min(1).optional(),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1).max(2048),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1).max(2048),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(4096).optional(),
});

interface LlmRoute {
  op: Operation;
  azure: boolean;
  deployment?: string;
  query: string;
}

function llmRoute(path: string, query: string): LlmRoute | undefined {
  switch (path) {
    case '/v1/chat/completions':
    case '/chat/completions':
    case '/openai/v1/chat/completions':
      return { op: 'chat', azure: false, query };
    case '/v1/embeddings':
    case '/embeddings':
    case '/openai/v1/embeddings':
      return { op: 'embeddings', azure: false, query };
  }
  const m = AZURE_PATH.exec(path);
  if (!m) return undefined;
  return { op: m[2] === 'embeddings' ? 'embeddings' : 'chat', azure: true, deployment: safeDecode(m[1] ?? ''), query };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function hasCredential(req: IncomingMessage): boolean {
  const key = req.headers['api-key'];
  if (typeof key === 'string' && key.trim() !== '') return true;
  const auth = req.headers.authorization;
  return typeof auth === 'string' && /^Bearer\s+\S/i.test(auth);
}

function rateLimitHeaders(q: QuotaResult | null): Headers {
  if (!q) return {};
  const h: Headers = {};
  if (q.remainingRequests !== undefined) h['x-ratelimit-remaining-requests'] = q.remainingRequests;
  if (q.remainingTokens !== undefined) h['x-ratelimit-remaining-tokens'] = q.remainingTokens;
  return h;
}

function retryHeaders(ms: number): Headers {
  return { 'retry-after-ms': ms, 'retry-after': Math.max(1, Math.ceil(ms / 1000)) };
}

const FAULT_MESSAGES = {
  429: (sec: number) => `Rate limit is exceeded. Try again in ${sec} seconds.`,
  500: () => 'The server had an error while processing your request. Sorry about that!',
  503: () => 'The service is temporarily unable to process your request. Please try again later.',
} as const;

/** Starts the emulator on `host:port` (port 0 = a free one). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed = options.seed ?? 42;
  const host = options.host ?? '127.0.0.1';
  const requireAuth = options.requireAuth ?? true;
  const tokensPerSecond = Math.max(0, options.tokensPerSecond ?? 0);
  const faults = new FaultController(mulberry32(seed ^ 0x5eed));
  if (options.faults) faults.set(options.faults);
  const quotas = new QuotaTracker(QuotasSchema.parse(options.quotas ?? {}));
  const latency = createLatencySampler(options.latency, mulberry32(seed));
  const engine = new CompletionEngine();
  const stats = new Stats();
  const idPrefix = randomBytes(5).toString('hex');
  let seq = 0;
  let closing = false;
  const nextId = (prefix: string): string => `${prefix}-${idPrefix}${(++seq).toString(36).padStart(6, '0')}`;

  const models = (): string[] => [
    ...new Set([...(options.models ?? DEFAULT_MODELS), ...Object.keys(quotas.getQuotas()).filter((k) => k !== '*')]),
  ];

  const llmError = (res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void => {
    stats.response(status);
    sendJson(res, status, body, headers);
  };

  /** Runs `fn` after the sampled latency unless the client went away first. */
  const afterLatency = (res: ServerResponse, fn: () => void): void => {
    const delay = latency();
    if (delay <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      if (!res.destroyed) fn();
    }, delay);
    res.once('close', () => clearTimeout(timer));
  };

  const answerChat = (res: ServerResponse, body: ChatRequest, model: string, completion: Completion, headers: Headers): void => {
    const id = nextId('chatcmpl');
    const created = Math.floor(Date.now() / 1000);
    const usage = {
      prompt_tokens: completion.promptTokens,
      completion_tokens: completion.completionTokens,
      total_tokens: completion.promptTokens + completion.completionTokens,
      prompt_tokens_details: { cached_tokens: completion.cachedTokens, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    stats.tokens(usage.prompt_tokens, usage.completion_tokens);
    stats.response(200);
    if (!body.stream) {
      sendJson(
        res,
        200,
        {
          id,
          object: 'chat.completion',
          created,
          model,
          system_fingerprint: 'fp_llm_emulator',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: completion.content, refusal: null, annotations: [] },
              logprobs: null,
              finish_reason: completion.finishReason,
            },
          ],
          usage,
        },
        headers,
      );
      return;
    }
    const includeUsage = body.stream_options?.include_usage === true;
    const base = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_llm_emulator' };
    const frame = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
      `data: ${JSON.stringify({ ...base, choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`;
    const delta = (d: Record<string, unknown>, finish: string | null = null): string =>
      frame([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);
    const head = delta({ role: 'assistant', content: '', refusal: null });
    const tail =
      delta({}, completion.finishReason) + (includeUsage ? frame([], { usage }) : '') + 'data: [DONE]\n\n';
    const pieces = completion.content.match(/\S+\s*|\s+/g) ?? [];
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...headers,
    });
    if (tokensPerSecond <= 0 || pieces.length === 0) {
      res.end(head + pieces.map((p) => delta({ content: p })).join('') + tail);
      return;
    }
    res.write(head);
    const tickMs = Math.max(25, 1000 / tokensPerSecond);
    const perTick = (tokensPerSecond * tickMs) / 1000;
    let index = 0;
    let budget = 0;
    let timer: NodeJS.Timeout | undefined;
    const step = (): void => {
      if (res.destroyed) return;
      budget += perTick;
      let out = '';
      do {
        const piece = pieces[index] ?? '';
        out += delta({ content: piece });
        budget -= estimateTokens(piece);
        index++;
      } while (index < pieces.length && budget >= estimateTokens(pieces[index] ?? ''));
      if (index >= pieces.length) {
        res.end(out + tail);
        return;
      }
      res.write(out);
      timer = setTimeout(step, tickMs);
    };
    timer = setTimeout(step, tickMs);
    res.once('close', () => clearTimeout(timer));
  };

  const answerEmbeddings = (
    res: ServerResponse,
    body: z.infer<typeof EmbeddingRequestSchema>,
    model: string,
    texts: string[],
    promptTokens: number,
    headers: Headers,
  ): void => {
    const dims = body.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
    const base64 = body.encoding_format === 'base64';
    const data = texts.map((text, index) => {
      const vector = embed(text, dims);
      return { object: 'embedding', index, embedding: base64 ? toBase64(vector) : Array.from(vector) };
    });
    stats.tokens(promptTokens, 0);
    stats.response(200);
    sendJson(res, 200, { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }, headers);
  };

  const handleLlm = async (req: IncomingMessage, res: ServerResponse, route: LlmRoute): Promise<void> => {
    stats.inFlight++;
    res.once('close', () => {
      stats.inFlight--;
    });
    if (requireAuth && !hasCredential(req)) {
      req.resume();
      llmError(
        res,
        401,
        apiError(
          'Access denied due to missing subscription key or bearer token. Send an api-key or Authorization: Bearer header.',
          'invalid_request_error',
          '401',
        ),
      );
      return;
    }
    let apiVersion = '';
    if (route.azure) {
      apiVersion = new URLSearchParams(route.query).get('api-version') ?? '';
      if (!apiVersion) {
        req.resume();
        llmError(
          res,
          400,
          apiError('The api-version query parameter (?api-version=) is required for all requests.', 'invalid_request_error', 'MissingApiVersionParameter', 'api-version'),
        );
        return;
      }
    }
    const parsed = await readJson(req, BODY_LIMIT);
    if (!parsed.ok) {
      llmError(res, parsed.status, apiError(parsed.message, 'invalid_request_error', parsed.status === 413 ? 'request_too_large' : 'invalid_json'));
      return;
    }
    const schema = route.op === 'chat' ? ChatRequestSchema : EmbeddingRequestSchema;
    const result = schema.safeParse(parsed.value);
    if (!result.success) {
      const { message, param } = zodMessage(result.error);
      llmError(res, 400, apiError(message, 'invalid_request_error', 'invalid_request', param));
      return;
    }
    const body = result.data;
    const deployment = route.deployment ?? body.model;
    if (!deployment) {
      llmError(res, 400, apiError('You must provide a model parameter.', 'invalid_request_error', 'missing_required_parameter', 'model'));
      return;
    }
    const model = body.model ?? deployment;
    stats.request(deployment, route.op);

    const fault = faults.decide(deployment);
    if (fault.kind === 'hang') {
      stats.fault('hang');
      return; // never answered; the 'close' listener cleans up when the client aborts
    }
    if (fault.kind === 'error') {
      stats.fault(fault.status);
      const sec = Math.max(1, Math.ceil(fault.retryAfterMs / 1000));
      const headers = fault.status === 500 ? {} : retryHeaders(fault.retryAfterMs);
      const type = fault.status === 429 ? 'rate_limit_error' : 'server_error';
      llmError(res, fault.status, { error: { code: String(fault.status), message: FAULT_MESSAGES[fault.status](sec), type } }, headers);
      return;
    }

    let charge: number;
    let finish: (headers: Headers) => void;
    if (route.op === 'chat') {
      const chat = body as ChatRequest;
      const completion = engine.complete(chat);
      charge = completion.promptTokens + (chat.max_completion_tokens ?? chat.max_tokens ?? completion.completionTokens);
      finish = (headers) => answerChat(res, chat, model, completion, headers);
    } else {
      const emb = body as z.infer<typeof EmbeddingRequestSchema>;
      const input = emb.input;
      let texts: string[];
      let tokens = 0;
      if (typeof input === 'string') texts = [input];
      else if (input.every((x): x is string => typeof x === 'string')) texts = input;
      else if (input.every((x): x is number => typeof x === 'number')) {
        texts = [input.join(' ')];
        tokens = input.length;
      } else {
        const arrays = input.filter((x): x is number[] => Array.isArray(x));
        texts = arrays.map((a) => a.join(' '));
        tokens = arrays.reduce((n, a) => n + a.length, 0);
      }
      if (tokens === 0) tokens = texts.reduce((n, t) => n + estimateTokens(t), 0);
      charge = tokens;
      finish = (headers) => answerEmbeddings(res, emb, model, texts, charge, headers);
    }

    const quota = quotas.consume(deployment, charge);
    const headers = rateLimitHeaders(quota);
    if (quota && !quota.allowed) {
      stats.quotaRejected(deployment);
      const sec = Math.max(1, Math.ceil(quota.retryAfterMs / 1000));
      const operation = route.op === 'chat' ? 'ChatCompletions_Create' : 'Embeddings_Create';
      const what = quota.limit === 'tokens' ? 'token rate limit' : 'call rate limit';
      llmError(
        res,
        429,
        {
          error: {
            code: '429',
            message: `Requests to the ${operation} Operation under Azure OpenAI API version ${apiVersion || 'v1'} have exceeded ${what} of your current pricing tier. Please retry after ${sec} seconds.`,
            type: 'rate_limit_error',
          },
        },
        { ...headers, ...retryHeaders(quota.retryAfterMs) },
      );
      return;
    }
    afterLatency(res, () => finish(headers));
  };

  const adminError = (req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, details?: unknown): void => {
    const header = req.headers['x-correlation-id'];
    const correlationId = typeof header === 'string' && header.length <= 128 ? header : randomUUID();
    sendJson(res, status, { error: { code, message, type: 'invalid_request_error', ...(details !== undefined ? { details } : {}), correlationId } });
  };

  const adminUpdate = async (req: IncomingMessage, res: ServerResponse, apply: (value: unknown) => unknown): Promise<void> => {
    const parsed = await readJson(req, 1024 * 1024);
    if (!parsed.ok) {
      adminError(req, res, parsed.status, parsed.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_JSON', parsed.message);
      return;
    }
    try {
      sendJson(res, 200, apply(parsed.value));
    } catch (err) {
      if (!(err instanceof ZodError)) throw err;
      adminError(req, res, 400, 'VALIDATION_FAILED', zodMessage(err).message, err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = q === -1 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';

    const route = llmRoute(path, query);
    if (route) {
      if (method !== 'POST') {
        req.resume();
        sendJson(res, 405, apiError(`Method ${method} not allowed; use POST.`, 'invalid_request_error', 'method_not_allowed'), { allow: 'POST' });
        return;
      }
      await handleLlm(req, res, route);
      return;
    }

    if (method === 'GET' || method === 'HEAD') {
      switch (path) {
        case '/health':
          sendJson(res, 200, { status: 'ok' });
          return;
        case '/ready':
          sendJson(res, closing ? 503 : 200, { status: closing ? 'draining' : 'ready' });
          return;
        case '/metrics': {
          const text = stats.prometheus();
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
          res.end(text);
          return;
        }
        case '/admin/stats':
          sendJson(res, 200, stats.snapshot());
          return;
        case '/admin/faults':
          sendJson(res, 200, faults.get());
          return;
        case '/admin/quotas':
          sendJson(res, 200, { quotas: quotas.getQuotas() });
          return;
        case '/v1/models':
        case '/models':
        case '/openai/models':
          sendJson(res, 200, {
            object: 'list',
            data: models().map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'llm-emulator' })),
          });
          return;
      }
      const m = /^\/v1\/models\/([^/]+)$/.exec(path);
      if (m) {
        const id = safeDecode(m[1] ?? '');
        if (models().includes(id)) sendJson(res, 200, { id, object: 'model', created: 1_700_000_000, owned_by: 'llm-emulator' });
        else sendJson(res, 404, apiError(`The model '${id}' does not exist.`, 'invalid_request_error', 'model_not_found', 'model'));
        return;
      }
    }
    if (path === '/admin/faults' && method === 'POST') {
      await adminUpdate(req, res, (value) => {
        faults.set(value);
        return faults.get();
      });
      return;
    }
    if (path === '/admin/faults' && method === 'DELETE') {
      req.resume();
      faults.reset();
      sendJson(res, 200, faults.get());
      return;
    }
    if (path === '/admin/quotas' && method === 'POST') {
      await adminUpdate(req, res, (value) => {
        quotas.setQuotas(QuotasSchema.parse(value));
        return { quotas: quotas.getQuotas() };
      });
      return;
    }
    req.resume();
    const known = ['/health', '/ready', '/metrics', '/admin/stats', '/admin/faults', '/admin/quotas', '/v1/models'].includes(path);
    if (known) sendJson(res, 405, apiError(`Method ${method} not allowed.`, 'invalid_request_error', 'method_not_allowed'));
    else sendJson(res, 404, apiError(`Unknown request URL: ${method} ${path}.`, 'invalid_request_error', 'unknown_url'));
  };

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch(() => {
      // Never leak internals; the connection stays usable when nothing was sent yet.
      if (!res.headersSent) sendJson(res, 500, apiError('Internal emulator error.', 'server_error', 'internal_error'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    setFaults: (f) => {
      faults.set(f);
    },
    resetFaults: () => faults.reset(),
    getFaults: () => faults.get(),
    setQuotas: (qs) => quotas.setQuotas(qs),
    stats: () => stats.snapshot(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        faults.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
