import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';

type Next = (err?: unknown) => void;

/** The parts of an Express request this middleware reads. */
type RoutedRequest = IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };

export const UNMATCHED_ROUTE = 'unmatched';
/** Status label for requests the client abandoned before the response finished (nginx convention). */
export const CLIENT_CLOSED_STATUS = '499';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Replaces id-looking segments of a concrete mount path (`/v1/tenants/42`) so labels stay bounded. */
function normalizeBase(base: string): string {
  if (base === '') return base;
  return base
    .split('/')
    .map((seg) => (UUID.test(seg) || /^\d+$/.test(seg) || (seg.length >= 16 && /\d/.test(seg)) ? ':id' : seg))
    .join('/');
}

/**
 * Captures `baseUrl` at the moment Express assigns `req.route` (when the route matches), because Express
 * restores `baseUrl` when an error leaves a nested router.
 */
function trackRoute(req: RoutedRequest): () => string {
  let label: string | undefined;
  let current: RoutedRequest['route'] = req.route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: RoutedRequest['route']) => {
      current = value;
      const path = value?.path;
      if (typeof path === 'string') label = `${normalizeBase(req.baseUrl ?? '')}${path}` || '/';
    },
  });
  return () => label ?? UNMATCHED_ROUTE;
}

/**
 * Express middleware recording `http_server_requests_total`, `http_server_request_duration_seconds` and
 * `http_server_requests_in_flight`. The route label is the route template (`/v1/conversations/:id/messages`)
 * or `unmatched`; the in-flight gauge goes down exactly once, on `finish` or on `close` (client abort).
 */
export function httpMetricsMiddleware(metrics: Metrics): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const service = metrics.service;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const routeLabel = trackRoute(req as RoutedRequest);
    metrics.httpInFlight.inc({ service });
    let done = false;
    const onDone = (): void => {
      if (done) return;
      done = true;
      res.off('finish', onDone);
      res.off('close', onDone);
      metrics.httpInFlight.dec({ service });
      const labels = {
        service,
        route: routeLabel(),
        method: req.method ?? 'UNKNOWN',
        status: res.writableFinished ? String(res.statusCode) : CLIENT_CLOSED_STATUS,
      };
      metrics.httpRequestsTotal.inc(labels);
      metrics.httpRequestDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', onDone);
    res.once('close', onDone);
    next();
  };
}
