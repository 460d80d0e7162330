import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpError } from './errors/http-error.js';

/** One field problem in a `VALIDATION_FAILED` answer; `path` is dotted (`history.0.content`), '' for the root. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** Turns zod issues into `[{ path, message }]`. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

type Part = 'body' | 'query' | 'params';

function validator<S extends z.ZodType>(part: Part, schema: S): RequestHandler {
  return async (req, _res, next) => {
    const result = await schema.safeParseAsync((req as Request)[part]);
    if (!result.success) {
      next(new HttpError(400, 'VALIDATION_FAILED', `Invalid request ${part}`, fieldErrors(result.error)));
      return;
    }
    if (part === 'query') {
      // Express 5 defines `req.query` as a getter: shadow it with the parsed value.
      Object.defineProperty(req, 'query', { value: result.data, writable: true, configurable: true, enumerable: true });
    } else {
      (req as unknown as Record<Part, unknown>)[part] = result.data;
    }
    next();
  };
}

/** Validates `req.body` (400 `VALIDATION_FAILED` with `details: [{ path, message }]`) and replaces it with the parsed data. */
export function validateBody<S extends z.ZodType>(schema: S): RequestHandler {
  return validator('body', schema);
}

/** Validates `req.query` and replaces it with the parsed (coerced, defaulted) data. */
export function validateQuery<S extends z.ZodType>(schema: S): RequestHandler {
  return validator('query', schema);
}

/** Validates `req.params` (use on the route itself) and replaces them with the parsed data. */
export function validateParams<S extends z.ZodType>(schema: S): RequestHandler {
  return validator('params', schema);
}
