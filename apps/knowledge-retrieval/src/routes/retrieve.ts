import { RetrieveRequest, type RetrieveResponse } from '@supportmesh/contracts';
import { requireJson, validateBody } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import type { Express } from 'express';
import type { RetrievalMetrics } from '../metrics.js';
import type { Retriever } from '../search/retriever.js';

export interface RetrieveRouteDeps {
  readonly retriever: Retriever;
  readonly logger: Logger;
  readonly metrics: RetrievalMetrics;
}

/** `POST /v1/retrieve {query, intent?, topK?}` → `{passages: [{id, title, text, score, url}]}`, best first. */
export function registerRetrieveRoute(app: Express, deps: RetrieveRouteDeps): void {
  app.post('/v1/retrieve', requireJson(), validateBody(RetrieveRequest), async (req, res) => {
    const body = req.body as RetrieveRequest;
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const passages = await deps.retriever.retrieve({ query: body.query, intent: body.intent, topK: body.topK, signal: abort.signal });
    const mode = deps.retriever.mode;
    deps.metrics.retrievals.inc({ mode, result: passages.length > 0 ? 'hit' : 'empty' });
    if (passages[0]) deps.metrics.topScore.observe({ mode }, passages[0].score);
    // ids and numbers only: never the query
    deps.logger.info({ intent: body.intent, topK: body.topK, mode, count: passages.length, passageIds: passages.map((p) => p.id) }, 'retrieved');
    const response: RetrieveResponse = { passages };
    res.json(response);
  });
}
