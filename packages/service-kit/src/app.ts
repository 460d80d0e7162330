import express, { type Express, type RequestHandler } from 'express';
import { errorEnvelope } from '@supportmesh/contracts';
import { withTimeout } from '@supportmesh/resilience';
import {
  correlationMiddleware,
  getCorrelationId,
  httpMetricsMiddleware,
  tracingMiddleware,
  type Logger,
  type Metrics,
} from '@supportmesh/telemetry';
import { errorHandler } from './error-handler.js';
import { HttpError } from './errors/http-error.js';
import { NotFoundError } from './errors/not-found-error.js';
import { jsonBody } from './json.js';
import { allowedMethods } from './routes.js';

/** A readiness check: resolves true when the dependency is usable. Rejections and timeouts count as false. */
export type ReadinessProbe = () => Promise<boolean>;

export interface ServiceAppOptions {
  readonly service: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Checks run by `GET /ready`, in parallel. @default {} */
  readonly probes?: Readonly<Record<string, ReadinessProbe>>;
  /** Deadline per probe. @default 2_000 */
  readonly probeTimeoutMs?: number;
  /** JSON body size limit. @default '64kb' */
  readonly bodyLimit?: string;
  /** Mounts the service's routes. */
  readonly configure: (app: Express) => void;
}

export interface ServiceApp {
  readonly app: Express;
  /** From now on `/ready` answers 503 and responses carry `Connection: close`. */
  setDraining(): void;
  readonly draining: boolean;
}

/**
 * An Express 5 app with the platform's conventions: correlation ids, tracing, HTTP metrics, a strict JSON body
 * parser, `GET /health` (alive, no I/O), `GET /ready` (probes; 503 when draining or a probe fails),
 * `GET /metrics` (Prometheus), the service's routes, 404/405, and the envelope error handler.
 */
export function createServiceApp(opts: ServiceAppOptions): ServiceApp {
  const { logger, metrics } = opts;
  const probes = Object.entries(opts.probes ?? {});
  const probeTimeoutMs = opts.probeTimeoutMs ?? 2_000;
  let draining = false;

  const app = express();
  app.disable('x-powered-by');
  app.use(correlationMiddleware());
  app.use(tracingMiddleware(opts.service));
  app.use(httpMetricsMiddleware(metrics));
  const closeWhileDraining: RequestHandler = (_req, res, next) => {
    if (draining) res.setHeader('Connection', 'close');
    next();
  };
  app.use(closeWhileDraining);
  app.use(jsonBody(opts.bodyLimit ?? '64kb'));

  app.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  app.get('/ready', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (draining) {
      res.status(503).json({ status: 'draining', probes: {}, ...notReady('Service is shutting down') });
      return;
    }
    const results = await Promise.all(
      probes.map(async ([name, probe]) => {
        try {
          return [name, (await withTimeout(() => probe(), probeTimeoutMs)) === true] as const;
        } catch (err) {
          logger.warn({ err, probe: name }, 'readiness probe failed');
          return [name, false] as const;
        }
      }),
    );
    const status = Object.fromEntries(results);
    if (draining || results.some(([, ok]) => !ok)) {
      res.status(503).json({ status: draining ? 'draining' : 'not_ready', probes: status, ...notReady('Service is not ready') });
      return;
    }
    res.json({ status: 'ready', probes: status });
  });

  app.get('/metrics', async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.set('Cache-Control', 'no-store').type(metrics.registry.contentType).send(body);
  });

  opts.configure(app);

  app.use((req, _res, next) => {
    const allowed = allowedMethods(app, req.path);
    if (allowed.length > 0) {
      next(new HttpError(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed here`, undefined, { headers: { Allow: allowed.join(', ') } }));
      return;
    }
    next(new NotFoundError('Route not found'));
  });
  app.use(errorHandler({ logger }));

  return {
    app,
    setDraining() {
      if (!draining) logger.info('draining: readiness now 503');
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
}

function notReady(message: string): ReturnType<typeof errorEnvelope> {
  return errorEnvelope('NOT_READY', message, getCorrelationId() ?? 'unknown');
}
