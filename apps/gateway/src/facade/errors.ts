import type { ErrorRequestHandler, Response } from 'express';
import { isLlmRequestError, isLlmUnavailableError, isPoolExhaustedError } from '@supportmesh/llm-client';
import { isAbortError } from '@supportmesh/resilience';
import { isHttpError } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import type { z } from 'zod';
import { isOpenAiError, OpenAiError, type OpenAiErrorType } from './openai-error.js';

/** Retry-After (seconds) when the llm-client cannot say when a deployment will take calls again. */
export const DEFAULT_RETRY_AFTER_SEC = 2;

/** Failure codes that mean "throttled" (answered 429) rather than "unavailable" (503). */
const THROTTLED = new Set(['RATE_LIMITED', 'QUOTA_EXCEEDED']);

function retryHeaders(ms: number | undefined): Record<string, string> {
  const known = ms !== undefined && ms > 0;
  const sec = known ? Math.max(1, Math.ceil(ms / 1000)) : DEFAULT_RETRY_AFTER_SEC;
  return { 'retry-after': String(sec), 'retry-after-ms': String(known ? Math.ceil(ms) : sec * 1000) };
}

function typeForStatus(status: number): OpenAiErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** A zod failure as a 400 naming the first field at fault. */
export function validationError(error: z.ZodError): OpenAiError {
  const issue = error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  const message = issue ? `Invalid request: ${param ?? 'body'}: ${issue.message}` : 'Invalid request body';
  return new OpenAiError(400, 'invalid_request_error', 'invalid_value', message, { param });
}

/**
 * Any error as the OpenAI-shaped answer: LLM throttled everywhere → 429 + retry-after; no deployment available or
 * every pool full → 503 + Retry-After; the provider rejected the request → 400 (malformed for the provider) or 502;
 * service-kit `HttpError`s (auth, rate limits) keep their status, code and headers; anything else → 500.
 */
export function toOpenAiError(err: unknown): OpenAiError {
  if (isOpenAiError(err)) return err;
  if (isLlmUnavailableError(err)) {
    const throttled = err.failures.length > 0 && err.failures.every((f) => THROTTLED.has(f.code));
    return throttled
      ? new OpenAiError(429, 'rate_limit_error', 'rate_limit_exceeded', 'The model is rate limited; retry after the indicated delay', {
          headers: retryHeaders(err.retryAfterMs),
          cause: err,
        })
      : new OpenAiError(503, 'server_error', 'llm_unavailable', 'The model is temporarily unavailable', { headers: retryHeaders(err.retryAfterMs), cause: err });
  }
  if (isPoolExhaustedError(err)) {
    return new OpenAiError(503, 'server_error', 'pool_exhausted', 'The gateway is at capacity; retry shortly', { headers: retryHeaders(1_000), cause: err });
  }
  if (isLlmRequestError(err)) {
    const status = err.status;
    if (status === 400 || status === 404 || status === 413 || status === 422) {
      return new OpenAiError(400, 'invalid_request_error', 'upstream_rejected', `The model provider rejected the request (HTTP ${status})`, { cause: err });
    }
    return new OpenAiError(502, 'server_error', 'upstream_error', 'The model provider refused the call', { cause: err });
  }
  if (isHttpError(err)) {
    return new OpenAiError(err.status, typeForStatus(err.status), err.code.toLowerCase(), err.message, { headers: err.headers, cause: err });
  }
  if (typeof err === 'object' && err !== null && (err as { type?: unknown }).type === 'entity.too.large') {
    return new OpenAiError(413, 'invalid_request_error', 'request_too_large', 'Request body is too large', { cause: err });
  }
  if (typeof err === 'object' && err !== null && (err as { type?: unknown }).type === 'entity.parse.failed') {
    return new OpenAiError(400, 'invalid_request_error', 'invalid_json', 'We could not parse the JSON body of your request', { cause: err });
  }
  if (isAbortError(err)) return new OpenAiError(499, 'invalid_request_error', 'client_closed_request', 'Request cancelled', { cause: err });
  return new OpenAiError(500, 'server_error', 'internal_error', 'Internal server error', { cause: err });
}

/**
 * Sends `err` in OpenAI's error shape (no-op when the response is already under way or the client left).
 * Dependency failures are logged at warn with their code, unexpected errors at error.
 */
export function sendOpenAiError(res: Response, err: unknown, logger?: Logger): void {
  const e = toOpenAiError(err);
  if (e.status >= 500) {
    if (e.code === 'internal_error') logger?.error({ err }, 'facade: unexpected error');
    else logger?.warn({ code: e.code, status: e.status, cause: (err as { code?: unknown }).code }, 'facade: upstream unavailable');
  }
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(e);
  res.writeHead(e.status, {
    ...e.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/**
 * Express error middleware answering in OpenAI's shape. Mount it after the facade and its auth / rate-limit
 * middleware (e.g. `app.use('/openai/v1', auth, limit, facade, openAiErrorHandler(logger))`) so OpenAI SDKs also
 * get their 401/429 in the shape they parse.
 */
export function openAiErrorHandler(logger?: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    sendOpenAiError(res, err, logger);
  };
}
