import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { HttpError } from './errors/http-error.js';

/** Media types parsed as JSON. */
export const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * `express.json` with strict parsing, the size `limit`, and a UTF-8 check: invalid UTF-8 would otherwise be
 * decoded to U+FFFD and accepted. Its errors are answered by `errorHandler()`: 400 `INVALID_JSON`,
 * 413 `PAYLOAD_TOO_LARGE`, 415 `UNSUPPORTED_MEDIA_TYPE` (charset or content encoding).
 */
export function jsonBody(limit: string | number = '64kb'): RequestHandler {
  return express.json({
    limit,
    strict: true,
    type: JSON_TYPES,
    verify: (_req, _res, buf, encoding) => {
      if ((encoding === 'utf-8' || encoding === 'utf8') && !isUtf8(buf)) {
        throw Object.assign(new Error('Request body is not valid UTF-8'), { status: 400, type: 'entity.invalid.utf8' });
      }
    },
  });
}

/**
 * For routes that take JSON: a request that carries a body of another media type is answered
 * 415 `UNSUPPORTED_MEDIA_TYPE`. (A request without a body passes; body validation then rejects it.)
 */
export function requireJson(): RequestHandler {
  return (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
    if (hasBody && !req.is(JSON_TYPES)) {
      next(new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'));
      return;
    }
    next();
  };
}
