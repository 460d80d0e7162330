import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORRELATION_HEADER, isValidCorrelationId, runWithCorrelationId } from './context.js';

type Next = (err?: unknown) => void;

/**
 * Express middleware: takes a well-formed `X-Correlation-Id` from the caller (1..128 printable ASCII chars)
 * or generates a UUID, echoes it on the response and runs the rest of the request inside it,
 * so `getCorrelationId()` and the logger see it.
 */
export function correlationMiddleware(): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  return (req, res, next) => {
    const raw = req.headers[CORRELATION_HEADER];
    const incoming = Array.isArray(raw) ? raw[0] : raw;
    const id = isValidCorrelationId(incoming) ? incoming : randomUUID();
    res.setHeader(CORRELATION_HEADER, id);
    runWithCorrelationId(id, () => next());
  };
}
