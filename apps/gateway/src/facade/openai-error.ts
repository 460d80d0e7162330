const BRAND = Symbol.for('supportmesh.gateway.OpenAiError');

/** OpenAI's error `type` values, by meaning. */
export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error';

export interface OpenAiErrorOptions {
  /** The request field at fault, e.g. `messages.0.role`. */
  readonly param?: string | null;
  /** Response headers to send with the error (e.g. `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/**
 * An error the facade answers in OpenAI's shape `{ error: { message, type, param, code } }` with `status`. Its
 * message IS shown to the client: write it for clients, never with upstream details.
 */
export class OpenAiError extends Error {
  readonly [BRAND] = true;
  readonly status: number;
  readonly type: OpenAiErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, type: OpenAiErrorType, code: string, message: string, options: OpenAiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'OpenAiError';
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  /** The JSON body OpenAI clients expect. */
  toJSON(): { error: { message: string; type: OpenAiErrorType; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function isOpenAiError(e: unknown): e is OpenAiError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
