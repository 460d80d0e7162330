import type { LlmClient } from '@supportmesh/llm-client';
import type { Express } from 'express';

/** `GET /v1/pool/stats` → `{ aggregate: PoolStats, deployments: Record<name, PoolStats> }` (the gateway aggregates these). */
export function registerPoolStatsRoute(app: Express, llm: LlmClient): void {
  app.get('/v1/pool/stats', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(llm.stats());
  });
}
