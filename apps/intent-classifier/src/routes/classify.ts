import { ClassifyRequest } from '@supportmesh/contracts';
import { requireJson, validateBody } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import type { Express } from 'express';
import type { Classifier } from '../classifier.js';
import type { ClassifierMetrics } from '../metrics.js';

export interface ClassifyRouteDeps {
  readonly classifier: Classifier;
  readonly logger: Logger;
  readonly metrics: ClassifierMetrics;
}

/** `POST /v1/classify {text, history?}` → intent, category, calibrated confidence, sentiment, entities, source. */
export function registerClassifyRoute(app: Express, deps: ClassifyRouteDeps): void {
  app.post('/v1/classify', requireJson(), validateBody(ClassifyRequest), async (req, res) => {
    const body = req.body as ClassifyRequest;
    // stop a pending LLM call when the caller goes away
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const result = await deps.classifier.classify(body, { signal: abort.signal });
    deps.metrics.classifications.inc({ intent: result.intent, source: result.source });
    deps.metrics.confidence.observe({ source: result.source }, result.confidence);
    // labels and numbers only: never the message text or the entity values
    deps.logger.info(
      {
        intent: result.intent,
        confidence: result.confidence,
        source: result.source,
        sentiment: result.sentiment.label,
        entityTypes: [...new Set(result.entities.map((e) => e.type))],
        historyTurns: body.history?.length ?? 0,
      },
      'classified',
    );
    res.json(result);
  });
}
