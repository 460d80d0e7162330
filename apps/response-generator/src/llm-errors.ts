import { isLlmRequestError, isLlmUnavailableError, isPoolExhaustedError } from '@supportmesh/llm-client';
import { HttpError } from '@supportmesh/service-kit';

/** Retry-After (seconds) when the llm-client cannot say when a deployment will take calls again. */
export const DEFAULT_RETRY_AFTER_SEC = 2;

function retryAfterHeader(ms: number | undefined): Record<string, string> {
  const sec = ms === undefined || !(ms > 0) ? DEFAULT_RETRY_AFTER_SEC : Math.max(1, Math.ceil(ms / 1000));
  return { 'Retry-After': String(sec) };
}

/**
 * Upstream LLM trouble as an HTTP answer (never a 500): no deployment available or every pool full → 503
 * `LLM_UNAVAILABLE` with `Retry-After`; the provider rejected the request → 502 `LLM_REQUEST_REJECTED`.
 * Any other error is returned unchanged.
 */
export function toHttpError(err: unknown): unknown {
  if (isLlmUnavailableError(err)) {
    return new HttpError(503, 'LLM_UNAVAILABLE', 'The language model is temporarily unavailable', undefined, {
      cause: err,
      headers: retryAfterHeader(err.retryAfterMs),
    });
  }
  if (isPoolExhaustedError(err)) {
    return new HttpError(503, 'LLM_UNAVAILABLE', 'The language model is busy; try again shortly', undefined, {
      cause: err,
      headers: retryAfterHeader(1_000),
    });
  }
  if (isLlmRequestError(err)) {
    return new HttpError(502, 'LLM_REQUEST_REJECTED', 'The language model rejected the request', undefined, { cause: err });
  }
  return err;
}
