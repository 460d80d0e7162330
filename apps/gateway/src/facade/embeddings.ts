import { EmbeddingsRequest } from '@supportmesh/contracts';
import type { EmbedResult, LlmClient } from '@supportmesh/llm-client';
import type { Logger } from '@supportmesh/telemetry';
import type { RequestHandler } from 'express';
import { chargeTokens, readJsonBody } from './body.js';
import { CACHE_HEADER, COST_HEADER, formatCost } from './chat.js';
import { sendOpenAiError, validationError } from './errors.js';
import { OpenAiError } from './openai-error.js';

export interface EmbeddingsHandlerDeps {
  readonly llm: LlmClient;
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
}

/** Little-endian float32 bytes in base64: what OpenAI SDKs ask for by default and decode themselves. */
function base64Floats(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** `POST /embeddings` through the llm-client's embeddings deployments (or its local embedding when none is configured). */
export function embeddingsHandler(deps: EmbeddingsHandlerDeps): RequestHandler {
  const { llm, logger, bodyLimitBytes } = deps;
  return async (req, res) => {
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    let texts: string[];
    let base64: boolean;
    try {
      const parsed = EmbeddingsRequest.safeParse(await readJsonBody(req, bodyLimitBytes));
      if (!parsed.success) throw validationError(parsed.error);
      const format = (parsed.data as { encoding_format?: unknown }).encoding_format;
      if (format !== undefined && format !== null && format !== 'float' && format !== 'base64') {
        throw new OpenAiError(400, 'invalid_request_error', 'invalid_value', 'encoding_format must be "float" or "base64"', { param: 'encoding_format' });
      }
      base64 = format === 'base64';
      texts = typeof parsed.data.input === 'string' ? [parsed.data.input] : parsed.data.input;
    } catch (err) {
      sendOpenAiError(res, err, logger);
      return;
    }
    let result: EmbedResult;
    try {
      result = await llm.embed(texts, { signal: abort.signal });
    } catch (err) {
      sendOpenAiError(res, err, logger);
      return;
    }
    chargeTokens(res, result.usage.totalTokens);
    const json = JSON.stringify({
      object: 'list',
      data: result.embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding: base64 ? base64Floats(embedding) : embedding })),
      model: result.model,
      usage: { prompt_tokens: result.usage.promptTokens, total_tokens: result.usage.totalTokens },
    });
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      [COST_HEADER]: formatCost(result.costUsd),
      [CACHE_HEADER]: 'BYPASS',
    });
    res.end(json);
  };
}
