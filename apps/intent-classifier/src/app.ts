import { createServiceApp, type ServiceApp } from '@supportmesh/service-kit';
import type { Logger, Metrics } from '@supportmesh/telemetry';
import type { Classifier } from './classifier.js';
import { createClassifierMetrics } from './metrics.js';
import { registerClassifyRoute } from './routes/classify.js';

export interface IntentClassifierAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The trained classifier (see `createClassifier`). */
  readonly classifier: Classifier;
  /** Extra readiness checks. */
  readonly probes?: Readonly<Record<string, () => Promise<boolean>>>;
}

/** The intent-classifier service: `POST /v1/classify`, plus health, readiness and metrics. No I/O here. */
export function createApp(deps: IntentClassifierAppDeps): ServiceApp {
  const metrics = createClassifierMetrics(deps.metrics.registry);
  return createServiceApp({
    service: 'intent-classifier',
    logger: deps.logger,
    metrics: deps.metrics,
    probes: { ...deps.probes },
    configure: (app) => registerClassifyRoute(app, { classifier: deps.classifier, logger: deps.logger, metrics }),
  });
}
