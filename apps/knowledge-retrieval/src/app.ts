import { createServiceApp, type ServiceApp } from '@supportmesh/service-kit';
import type { Logger, Metrics } from '@supportmesh/telemetry';
import { createRetrievalMetrics } from './metrics.js';
import { registerRetrieveRoute } from './routes/retrieve.js';
import type { Retriever } from './search/retriever.js';

export interface KnowledgeRetrievalAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The index over the help center (see `createRetriever`). */
  readonly retriever: Retriever;
  readonly probes?: Readonly<Record<string, () => Promise<boolean>>>;
}

/** The knowledge-retrieval service: `POST /v1/retrieve`, plus health, readiness and metrics. No I/O here. */
export function createApp(deps: KnowledgeRetrievalAppDeps): ServiceApp {
  const metrics = createRetrievalMetrics(deps.metrics.registry);
  return createServiceApp({
    service: 'knowledge-retrieval',
    logger: deps.logger,
    metrics: deps.metrics,
    probes: { index: async () => deps.retriever.stats.passages > 0, ...deps.probes },
    configure: (app) => registerRetrieveRoute(app, { retriever: deps.retriever, logger: deps.logger, metrics }),
  });
}
