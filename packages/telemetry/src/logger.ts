import { pino } from 'pino';
import { getCorrelationId } from './context.js';

export type Logger = pino.Logger;

export interface LoggerOptions {
  readonly service: string;
  /** @default process.env.LOG_LEVEL ?? 'info' */
  readonly level?: string;
  /** @default stdout */
  readonly destination?: pino.DestinationStream;
}

/** Field names whose values never reach a log line (credentials, PII, customer and model text). */
const SENSITIVE_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apiKey',
  'api_key',
  'key',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'password',
  'secret',
  'clientSecret',
  'connectionString',
  'text',
  'messages',
  'content',
  'prompt',
  'reply',
  'transcript',
  'email',
  'phone',
  'body',
] as const;

function prop(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
}

/** Redaction paths: each sensitive key at the top level and up to three levels deep, plus known containers. */
export const REDACT_PATHS: readonly string[] = [
  ...SENSITIVE_KEYS.flatMap((k) => {
    const p = prop(k);
    return [p.startsWith('.') ? p.slice(1) : p, `*${p}`, `*.*${p}`, `*.*.*${p}`];
  }),
  'message.text',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'err.config.headers',
  'err.config.data',
];

/** Keeps an error's type, code, status and message; drops request/response objects that carry headers and bodies. */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const k of ['config', 'request', 'response', 'headers', 'body', 'data']) delete out[k];
  const status = (err as { status?: unknown; response?: { status?: unknown } }).status ??
    (err as { response?: { status?: unknown } }).response?.status;
  if (typeof status === 'number') out['status'] = status;
  return out;
}

/**
 * JSON logger: every line carries `service`, and inside a request `correlationId`.
 * Credentials, PII and message text are replaced by `[REDACTED]`; log ids, counts and codes instead.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? process.env['LOG_LEVEL'] ?? 'info',
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const correlationId = getCorrelationId();
      return correlationId === undefined ? {} : { correlationId };
    },
    redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    serializers: { err: serializeError, error: serializeError },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
