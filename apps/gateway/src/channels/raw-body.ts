import { isUtf8 } from 'node:buffer';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { HttpError } from '@supportmesh/service-kit';

const RAW_ERROR = Symbol.for('supportmesh.gateway.rawBodyError');

type WithRaw = Request & { [RAW_ERROR]?: unknown };

/**
 * Reads the body as bytes (for signature checks over the exact raw body). Mounted before the service app's
 * JSON parser, which then leaves the already-read request alone. Its errors (e.g. too large) are kept and
 * raised by {@link rawJson} inside the service app, so they are answered in the error envelope.
 */
export function captureRawBody(limit: string): RequestHandler {
  const raw = express.raw({ type: () => true, limit });
  return (req, res, next) => {
    raw(req, res, (err?: unknown) => {
      if (err) (req as WithRaw)[RAW_ERROR] = err;
      next();
    });
  };
}

/** The raw body bytes captured for this request (empty when none). */
export function rawBodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Raises a captured body error; otherwise nothing. Use first on raw-body routes. */
export function rawBodyErrors(): RequestHandler {
  return (req, _res, next) => {
    const err = (req as WithRaw)[RAW_ERROR];
    next(err ?? undefined);
  };
}

/** Parses the captured raw body as UTF-8 JSON into `req.body` (415 wrong type, 400 `INVALID_JSON`); the bytes stay in `res.locals.rawBody`. */
export function rawJson(): RequestHandler {
  return (req: Request, res: Response, next) => {
    const raw = rawBodyOf(req);
    res.locals['rawBody'] = raw;
    if (raw.length > 0 && !req.is(['application/json', 'application/*+json'])) {
      next(new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'));
      return;
    }
    if (!isUtf8(raw)) {
      next(new HttpError(400, 'INVALID_JSON', 'Request body is not valid UTF-8 JSON'));
      return;
    }
    try {
      req.body = raw.length === 0 ? undefined : (JSON.parse(raw.toString('utf8')) as unknown);
      next();
    } catch {
      next(new HttpError(400, 'INVALID_JSON', 'Request body is not valid JSON'));
    }
  };
}
