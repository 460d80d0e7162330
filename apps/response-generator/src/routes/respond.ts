import { RespondRequest, type RespondResponse } from '@supportmesh/contracts';
import type { ChatResult, LlmClient } from '@supportmesh/llm-client';
import { requireJson, validateBody } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import type { Express } from 'express';
import { parseCitations } from '../citations.js';
import { toHttpError } from '../llm-errors.js';
import { buildMessages } from '../prompt.js';

export interface RespondRouteDeps {
  readonly llm: LlmClient;
  readonly logger: Logger;
  readonly historyTurns: number;
  readonly now: () => number;
}

/** `POST /v1/respond {message, intent, passages, history}` → a grounded reply with citations, usage and cost. */
export function registerRespondRoute(app: Express, deps: RespondRouteDeps): void {
  const { llm, logger } = deps;
  app.post('/v1/respond', requireJson(), validateBody(RespondRequest), async (req, res) => {
    const body = req.body as RespondRequest;
    // stop the upstream call when the caller goes away
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const started = deps.now();
    let result: ChatResult;
    try {
      result = await llm.chat({
        task: 'respond',
        messages: buildMessages({ ...body, historyTurns: deps.historyTurns }),
        maxTokens: llm.config.maxTokens.respond,
        signal: abort.signal,
      });
    } catch (err) {
      throw toHttpError(err);
    }
    const { reply, citations } = parseCitations(result.content, body.passages);
    const response: RespondResponse = {
      reply,
      citations,
      usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens, totalTokens: result.usage.totalTokens },
      costUsd: result.costUsd,
      model: result.model,
      cached: result.cached,
    };
    // labels and numbers only: never the message, the passages or the reply
    logger.info(
      {
        conversationId: body.conversationId,
        intent: body.intent,
        passages: body.passages.length,
        historyTurns: body.history.length,
        citations: citations.length,
        model: result.model,
        deployment: result.deployment,
        cached: result.cached,
        cacheKind: result.cacheKind,
        finishReason: result.finishReason,
        promptTokens: result.usage.promptTokens,
        completionTokens: result.usage.completionTokens,
        costUsd: result.costUsd,
        latencyMs: deps.now() - started,
      },
      'responded',
    );
    res.json(response);
  });
}
