import type { ErrorRequestHandler, Response } from 'express';
import { errorEnvelope } from '@supportmesh/contracts';
import { isAbortError, isBreakerOpenError, isBulkheadRejectedError, isTimeoutError } from '@supportmesh/resilience';
import { CORRELATION_HEADER, getCorrelationId, type Logger } from '@supportmesh/telemetry';
import { isHttpError } from './errors/http-error.js';
import { isUpstreamError } from './errors/upstream-error.js';

export interface ErrorHandlerOptions {
  /** Where unexpected (5xx) errors are logged with the correlation id. */
  readonly logger?: Logger;
}

/** How an error is answered. `expected` errors are deliberate answers; the others are bugs. */
export interface ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly expected: boolean;
}

const STATUS_CODES: Readonly<Record<number, readonly [string, string]>> = {
  400: ['BAD_REQUEST', 'Bad request'],
  401: ['UNAUTHORIZED', 'Authentication required'],
  403: ['FORBIDDEN', 'Forbidden'],
  404: ['NOT_FOUND', 'Not found'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed'],
  408: ['REQUEST_TIMEOUT', 'Request timeout'],
  413: ['PAYLOAD_TOO_LARGE', 'Request body is too large'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
  429: ['RATE_LIMITED', 'Too many requests'],
};

/** Type markers of body-parser (and our UTF-8 check) errors. */
const BODY_ERRORS: Readonly<Record<string, readonly [number, string, string]>> = {
  'entity.parse.failed': [400, 'INVALID_JSON', 'Request body is not valid JSON'],
  'entity.invalid.utf8': [400, 'INVALID_JSON', 'Request body is not valid UTF-8 JSON'],
  'entity.too.large': [413, 'PAYLOAD_TOO_LARGE', 'Request body is too large'],
  'charset.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset; send UTF-8 JSON'],
  'encoding.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content encoding'],
  'request.aborted': [400, 'REQUEST_ABORTED', 'Request aborted'],
  'request.size.invalid': [400, 'BAD_REQUEST', 'Request size did not match Content-Length'],
};

const retryAfter = (ms: number): Record<string, string> => ({ 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) });

/** Maps any thrown value to its HTTP answer; unexpected errors become a generic 500. */
export function errorAnswer(err: unknown): ErrorAnswer {
  if (isHttpError(err)) {
    return { status: err.status, code: err.code, message: err.message, details: err.details, headers: err.headers, expected: true };
  }
  if (isUpstreamError(err)) {
    return { status: 502, code: err.code, message: 'A dependency failed', headers: {}, expected: true };
  }
  if (isBreakerOpenError(err)) {
    return { status: 503, code: err.code, message: 'A dependency is temporarily unavailable', headers: retryAfter(err.retryAfterMs), expected: true };
  }
  if (isBulkheadRejectedError(err)) {
    return { status: 503, code: err.code, message: 'Too many concurrent requests', headers: retryAfter(1000), expected: true };
  }
  if (isTimeoutError(err)) {
    return { status: 504, code: err.code, message: 'A dependency did not answer in time', headers: {}, expected: true };
  }
  if (isAbortError(err)) {
    return { status: 499, code: 'CLIENT_CLOSED_REQUEST', message: 'Request cancelled', headers: {}, expected: true };
  }
  if (typeof err === 'object' && err !== null) {
    const { type, status, expose } = err as { type?: unknown; status?: unknown; expose?: unknown };
    const body = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
    if (body) return { status: body[0], code: body[1], message: body[2], headers: {}, expected: true };
    // http-errors style client errors from Express/router (e.g. a malformed %-escape in a path param)
    if (typeof status === 'number' && status >= 400 && status < 500 && expose !== false) {
      const [code, message] = STATUS_CODES[status] ?? ['BAD_REQUEST', 'Bad request'];
      return { status, code, message, headers: {}, expected: true };
    }
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', headers: {}, expected: false };
}

function correlationIdOf(res: Response): string {
  const header = res.getHeader(CORRELATION_HEADER);
  return getCorrelationId() ?? (typeof header === 'string' ? header : 'unknown');
}

/**
 * The last middleware: answers every error in the envelope `{ error: { code, message, details?, correlationId } }`.
 * Unexpected errors are logged (with the correlation id) and answered 500 without their message.
 */
export function errorHandler(opts: ErrorHandlerOptions = {}): ErrorRequestHandler {
  const logger = opts.logger;
  return (err: unknown, req, res, next) => {
    const answer = errorAnswer(err);
    const correlationId = correlationIdOf(res);
    const where = { method: req.method, route: req.route ? `${req.baseUrl}${String((req.route as { path?: unknown }).path)}` : undefined };
    if (!answer.expected) {
      logger?.error({ err, correlationId, ...where }, 'unexpected error');
    } else if (answer.status >= 500) {
      logger?.warn({ err, correlationId, code: answer.code, status: answer.status, ...where }, 'dependency error');
    } else {
      logger?.debug({ correlationId, code: answer.code, status: answer.status, ...where }, 'client error');
    }
    if (res.headersSent) {
      // Too late for an envelope: let Express close the connection.
      next(err);
      return;
    }
    res.status(answer.status);
    res.set({ ...answer.headers, 'Cache-Control': 'no-store' });
    res.json(errorEnvelope(answer.code, answer.message, correlationId, answer.details));
  };
}
