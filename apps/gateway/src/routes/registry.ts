import type { Express, RequestHandler } from 'express';
import type { Registry } from '../registry/registry.js';
import { collectPoolStats, type PoolStatsSource } from '../registry/pool-stats.js';

/** Header naming the pool-stats sources that could not be read (their pools are missing from the sums). */
export const PARTIAL_HEADER = 'x-supportmesh-partial';

/** `GET /v1/registry` and `GET /api/v1/pool/stats` (any authenticated role). */
export function registerRegistryRoutes(app: Express, auth: RequestHandler, registry: Registry, poolSources: () => readonly PoolStatsSource[]): void {
  app.get('/v1/registry', auth, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await registry.get());
  });

  app.get('/api/v1/pool/stats', auth, async (_req, res) => {
    const collected = await collectPoolStats(poolSources(), 1_000);
    if (collected.unreachable.length > 0) res.setHeader(PARTIAL_HEADER, collected.unreachable.join(','));
    res.set('Cache-Control', 'no-store').json(collected.stats);
  });
}
