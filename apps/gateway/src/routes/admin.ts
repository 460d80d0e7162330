import type { Express, RequestHandler } from 'express';
import { AdminConfigPatch } from '@supportmesh/contracts';
import { requireJson, ServiceUnavailableError, validateBody } from '@supportmesh/service-kit';
import type { AdminConfigStore } from '../admin/config-store.js';
import { requireRole } from '../auth/middleware.js';

/** `GET /v1/admin/config`, `PUT /v1/admin/config` (AdminConfigPatch merged; admin role only). */
export function registerAdminRoutes(app: Express, auth: RequestHandler, store: AdminConfigStore): void {
  const admin = requireRole('admin');

  app.get('/v1/admin/config', auth, admin, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await store.get());
  });

  const update: RequestHandler = async (req, res) => {
    let updated;
    try {
      updated = await store.update(req.body as AdminConfigPatch);
    } catch (err) {
      throw new ServiceUnavailableError(2, 'Configuration store unavailable', { cause: err });
    }
    res.json(updated);
  };
  app.put('/v1/admin/config', auth, admin, requireJson(), validateBody(AdminConfigPatch), update);
  app.patch('/v1/admin/config', auth, admin, requireJson(), validateBody(AdminConfigPatch), update);
}
