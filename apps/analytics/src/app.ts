import { createServiceApp, type ReadinessProbe, type ServiceApp } from '@supportmesh/service-kit';
import type { Logger, Metrics } from '@supportmesh/telemetry';
import type { AnalyticsStore } from './aggregates/analytics-store.js';
import { registerSummaryRoute } from './routes/summary.js';
import type { RecommendationOptions } from './summary/recommendations.js';

export interface AnalyticsAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Where the aggregates live (Redis, shared by replicas). */
  readonly store: Pick<AnalyticsStore, 'snapshot'>;
  /** Thresholds of the derived recommendations. */
  readonly recommendations?: RecommendationOptions;
  /** Readiness checks, e.g. `{ redis: redisProbe(redis) }`. */
  readonly probes?: Readonly<Record<string, ReadinessProbe>>;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** The analytics service's HTTP side: `GET /v1/analytics/summary` plus health, readiness and metrics. No I/O here. */
export function createApp(deps: AnalyticsAppDeps): ServiceApp {
  return createServiceApp({
    service: 'analytics',
    logger: deps.logger,
    metrics: deps.metrics,
    probes: { ...deps.probes },
    configure: (app) => {
      registerSummaryRoute(app, {
        store: deps.store,
        now: deps.now ?? (() => new Date()),
        ...(deps.recommendations === undefined ? {} : { recommendations: deps.recommendations }),
      });
    },
  });
}
