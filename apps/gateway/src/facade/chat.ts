import { randomUUID } from 'node:crypto';
import { ChatCompletionRequest } from '@supportmesh/contracts';
import type { ChatMessage, ChatResult, LlmClient, ResponseFormat, Usage } from '@supportmesh/llm-client';
import type { Logger } from '@supportmesh/telemetry';
import type { Request, RequestHandler, Response } from 'express';
import { chargeTokens, readJsonBody } from './body.js';
import { sendOpenAiError, toOpenAiError, validationError } from './errors.js';
import type { ModelCatalogue } from './models.js';
import { OpenAiError } from './openai-error.js';

export const COST_HEADER = 'x-supportmesh-cost-usd';
export const CACHE_HEADER = 'x-supportmesh-cache';

export interface ChatHandlerDeps {
  readonly llm: LlmClient;
  readonly logger: Logger;
  readonly models: ModelCatalogue;
  readonly bodyLimitBytes: number;
}

const RESPONSE_FORMATS = new Set(['text', 'json_object', 'json_schema']);

/** `x-supportmesh-cache` value of a result. */
export function cacheStatus(result: ChatResult): string {
  if (!result.cached) return 'MISS';
  return result.cacheKind === 'semantic' ? 'SEMANTIC_HIT' : result.cacheKind === 'inflight' ? 'INFLIGHT_HIT' : 'HIT';
}

export function formatCost(usd: number): string {
  return usd.toFixed(8);
}

function openAiUsage(u: Usage): { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details: { cached_tokens: number } } {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.totalTokens,
    prompt_tokens_details: { cached_tokens: u.cachedPromptTokens },
  };
}

/** A client sending `Cache-Control: no-cache` (or `no-store`) wants a fresh answer. */
function bypassCache(req: Request): boolean {
  const cc = req.headers['cache-control'];
  return cc !== undefined && (cc.includes('no-cache') || cc.includes('no-store'));
}

/**
 * What OpenAI SDKs send that the contract schema does not take as is: text content parts become one string,
 * the `developer` role becomes `system`. Mutates the freshly parsed body; cheap when there is nothing to do.
 */
function normalizeMessages(body: unknown): unknown {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return body;
  for (const m of messages as { role?: unknown; content?: unknown }[]) {
    if (typeof m !== 'object' || m === null) continue;
    if (m.role === 'developer') m.role = 'system';
    if (Array.isArray(m.content) && m.content.every((p: { type?: unknown; text?: unknown }) => p?.type === 'text' && typeof p.text === 'string')) {
      m.content = (m.content as { text: string }[]).map((p) => p.text).join('\n');
    }
  }
  return body;
}

const unsupported = (param: string, message: string): OpenAiError => new OpenAiError(400, 'invalid_request_error', 'unsupported_parameter', message, { param });

interface Prepared {
  readonly body: ChatCompletionRequest;
  readonly tier: 'small' | 'large';
  readonly maxTokens: number | undefined;
  readonly includeUsage: boolean;
}

/** Validates the body beyond the contract: what the llm-client cannot do is a 400, not a silent difference. */
function prepare(raw: unknown, models: ModelCatalogue): Prepared {
  const parsed = ChatCompletionRequest.safeParse(normalizeMessages(raw));
  if (!parsed.success) throw validationError(parsed.error);
  const body = parsed.data;
  const extra = body as Record<string, unknown>;
  const tier = models.tierOf(body.model);
  if (tier === 'embedding') throw new OpenAiError(400, 'invalid_request_error', 'model_not_supported', `Model ${body.model} is an embeddings model; use /embeddings`, { param: 'model' });
  for (let i = 0; i < body.messages.length; i++) {
    if (body.messages[i]?.role === 'tool') throw unsupported(`messages.${i}.role`, 'Tool messages are not supported by this gateway');
  }
  if ((Array.isArray(extra['tools']) && extra['tools'].length > 0) || (Array.isArray(extra['functions']) && extra['functions'].length > 0)) {
    throw unsupported(Array.isArray(extra['tools']) ? 'tools' : 'functions', 'Tool calling is not supported by this gateway');
  }
  if (extra['n'] !== undefined && extra['n'] !== null && extra['n'] !== 1) throw unsupported('n', 'Only n=1 is supported');
  if (body.response_format && !RESPONSE_FORMATS.has(body.response_format.type)) {
    throw new OpenAiError(400, 'invalid_request_error', 'invalid_value', `Unknown response_format type "${body.response_format.type}"`, { param: 'response_format.type' });
  }
  const mct = extra['max_completion_tokens'];
  if (mct !== undefined && mct !== null && !(Number.isInteger(mct) && (mct as number) >= 1 && (mct as number) <= 32_768)) {
    throw new OpenAiError(400, 'invalid_request_error', 'invalid_value', 'max_completion_tokens must be an integer between 1 and 32768', { param: 'max_completion_tokens' });
  }
  const options = extra['stream_options'] as { include_usage?: unknown } | null | undefined;
  return {
    body,
    tier,
    maxTokens: (mct as number | null | undefined) ?? body.max_tokens,
    includeUsage: body.stream === true && options?.include_usage === true,
  };
}

/** `POST /chat/completions`: OpenAI-shaped completion (or SSE stream) from the llm-client's `generic` task. */
export function chatCompletionsHandler(deps: ChatHandlerDeps): RequestHandler {
  const { llm, logger, models, bodyLimitBytes } = deps;
  return async (req, res) => {
    // a client that goes away cancels the upstream call (and frees its pool slot)
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    let prepared: Prepared;
    try {
      prepared = prepare(await readJsonBody(req, bodyLimitBytes), models);
    } catch (err) {
      sendOpenAiError(res, err, logger);
      return;
    }
    const { body } = prepared;
    const bypass = bypassCache(req);
    const request = {
      task: 'generic' as const,
      tier: prepared.tier,
      messages: body.messages as readonly ChatMessage[],
      ...(prepared.maxTokens !== undefined ? { maxTokens: prepared.maxTokens } : {}),
      ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
      ...(body.response_format && body.response_format.type !== 'text' ? { responseFormat: body.response_format as ResponseFormat } : {}),
      ...(bypass ? { cache: false } : {}),
      signal: abort.signal,
    };
    if (body.stream === true) {
      await stream(res, request, body.model, prepared.includeUsage, deps);
      return;
    }
    let result: ChatResult;
    try {
      result = await llm.chat(request);
    } catch (err) {
      sendOpenAiError(res, err, logger);
      return;
    }
    chargeTokens(res, result.cached ? 0 : result.usage.totalTokens);
    const json = JSON.stringify({
      id: `chatcmpl-${randomUUID()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: result.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: result.content, refusal: null },
          logprobs: null,
          finish_reason: result.finishReason ?? 'stop',
        },
      ],
      usage: openAiUsage(result.usage),
    });
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      [COST_HEADER]: formatCost(result.costUsd),
      [CACHE_HEADER]: bypass && !result.cached ? 'BYPASS' : cacheStatus(result),
    });
    res.end(json);
  };
}

/**
 * SSE passthrough: headers go out with the first delta (so a call that fails before any text still gets a proper
 * status), one `chat.completion.chunk` per delta, a final chunk with `finish_reason`, the usage chunk when asked,
 * then `[DONE]`; the cost follows as an HTTP trailer. A failure after the first delta ends the stream with an
 * `error` event, which OpenAI SDKs raise.
 */
async function stream(
  res: Response,
  request: Parameters<LlmClient['chat']>[0],
  model: string,
  includeUsage: boolean,
  deps: ChatHandlerDeps,
): Promise<void> {
  const head = `{"id":"chatcmpl-${randomUUID()}","object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":`;
  let open = false;
  const begin = (): void => {
    open = true;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      [CACHE_HEADER]: 'BYPASS',
      trailer: COST_HEADER,
    });
    res.write(`data: ${head}[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`);
  };
  let result: ChatResult;
  try {
    result = await deps.llm.chat({
      ...request,
      stream: true,
      onDelta: (text) => {
        if (res.destroyed) return;
        if (!open) begin();
        res.write(`data: ${head}[{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]}\n\n`);
      },
    });
  } catch (err) {
    if (!open) {
      sendOpenAiError(res, err, deps.logger);
      return;
    }
    const e = toOpenAiError(err);
    deps.logger.warn({ code: e.code, status: e.status }, 'facade: stream failed after the first delta');
    if (!res.destroyed) res.end(`data: ${JSON.stringify(e)}\n\n`);
    return;
  }
  chargeTokens(res, result.cached ? 0 : result.usage.totalTokens);
  if (res.destroyed) return;
  if (!open) begin();
  res.write(`data: ${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":${JSON.stringify(result.finishReason ?? 'stop')}}]}\n\n`);
  if (includeUsage) res.write(`data: ${head}[],"usage":${JSON.stringify(openAiUsage(result.usage))}}\n\n`);
  res.addTrailers({ [COST_HEADER]: formatCost(result.costUsd) });
  res.end('data: [DONE]\n\n');
}
