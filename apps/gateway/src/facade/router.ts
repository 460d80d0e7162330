import type { LlmClient } from '@supportmesh/llm-client';
import { bindLlmMetrics, type Logger, type Metrics } from '@supportmesh/telemetry';
import { Router, type RequestHandler } from 'express';
import { DEFAULT_BODY_LIMIT_BYTES } from './body.js';
import { chatCompletionsHandler } from './chat.js';
import { embeddingsHandler } from './embeddings.js';
import { openAiErrorHandler, sendOpenAiError } from './errors.js';
import { modelCatalogue } from './models.js';
import { OpenAiError } from './openai-error.js';

export interface FacadeDeps {
  /** The gateway's pooled LLM client (routing, pool, breaker, caches, cost). Created once, shared by every request. */
  readonly llm: LlmClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Largest request body. @default 4 MiB */
  readonly bodyLimitBytes?: number;
  /**
   * Mirror the llm-client's events and pool stats into `metrics.llm` (the poll timer is unref'd). Turn off when the
   * gateway binds the same client elsewhere. @default true
   */
  readonly bindMetrics?: boolean;
}

function sendJson(body: string): RequestHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) =>
    sendOpenAiError(res, new OpenAiError(405, 'invalid_request_error', 'method_not_allowed', `Method ${req.method} is not allowed here`, { headers: { allow } }));
}

/**
 * The OpenAI-compatible facade, to mount at `/openai/v1` after the gateway's auth and rate-limit middleware:
 * `POST /chat/completions` (JSON or SSE with `stream: true`), `POST /embeddings`, `GET /models`, `GET /models/{id}`.
 * Errors (its own and any passed to `next` inside it) are answered in OpenAI's shape `{ error: { message, type,
 * param, code } }`. Successful calls carry `x-supportmesh-cost-usd` and `x-supportmesh-cache`.
 * Everything per request is plain: its own body reader, one precompiled zod schema, no per-request clients.
 */
export function createFacadeRouter(deps: FacadeDeps): Router {
  const { llm, logger } = deps;
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  if (deps.bindMetrics ?? true) bindLlmMetrics(llm, deps.metrics);
  const models = modelCatalogue(llm, Math.floor(Date.now() / 1000));

  const router = Router();
  router.post('/chat/completions', chatCompletionsHandler({ llm, logger, models, bodyLimitBytes }));
  router.all('/chat/completions', methodNotAllowed('POST'));
  router.post('/embeddings', embeddingsHandler({ llm, logger, bodyLimitBytes }));
  router.all('/embeddings', methodNotAllowed('POST'));
  router.get('/models', sendJson(models.listJson));
  router.all('/models', methodNotAllowed('GET'));
  router.get('/models/:id', (req, res) => {
    const model = models.byId.get(String(req.params['id']));
    if (model === undefined) {
      sendOpenAiError(res, new OpenAiError(404, 'invalid_request_error', 'model_not_found', 'The model does not exist', { param: 'model' }));
      return;
    }
    sendJson(model)(req, res, () => undefined);
  });
  router.use((_req, res) => sendOpenAiError(res, new OpenAiError(404, 'invalid_request_error', 'unknown_url', 'Unknown request URL')));
  router.use(openAiErrorHandler(logger));
  return router;
}
