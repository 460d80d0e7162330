const BRAND = Symbol.for('supportmesh.service-kit.HttpError');

export interface HttpErrorOptions {
  readonly cause?: unknown;
  /** Response headers to set with the error (e.g. `Retry-After`, `Allow`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * An error meant for the client: `errorHandler()` answers it with `status` and the envelope
 * `{ error: { code, message, details?, correlationId } }`. Its message IS shown, so write it for clients.
 */
export class HttpError extends Error {
  readonly [BRAND] = true;
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, details?: unknown, options?: HttpErrorOptions) {
    super(message, { cause: options?.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = options?.headers ?? {};
  }
}

export function isHttpError(e: unknown): e is HttpError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
