import type { AnalyticsSummary } from '@supportmesh/contracts';
import { ServiceUnavailableError } from '@supportmesh/service-kit';
import type { Express } from 'express';
import type { AnalyticsStore } from '../aggregates/analytics-store.js';
import type { RecommendationOptions } from '../summary/recommendations.js';
import { buildSummary } from '../summary/summary.js';

export interface SummaryRouteDeps {
  readonly store: Pick<AnalyticsStore, 'snapshot'>;
  readonly recommendations?: RecommendationOptions;
  readonly now: () => Date;
}

/** `GET /v1/analytics/summary`: the aggregates of every replica, with cost recommendations. */
export function registerSummaryRoute(app: Express, deps: SummaryRouteDeps): void {
  app.get('/v1/analytics/summary', async (_req, res) => {
    let snapshot;
    try {
      snapshot = await deps.store.snapshot();
    } catch (err) {
      throw new ServiceUnavailableError(1, 'Analytics store unavailable', { cause: err });
    }
    const summary: AnalyticsSummary = buildSummary(snapshot, deps.now(), deps.recommendations);
    res.set('Cache-Control', 'no-store').json(summary);
  });
}
