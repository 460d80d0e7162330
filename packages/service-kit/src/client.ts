import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import {
  createCircuitBreaker,
  parseRetryAfter,
  retry,
  withTimeout,
  type BreakerOptions,
  type CircuitBreaker,
} from '@supportmesh/resilience';
import { CORRELATION_HEADER, getCorrelationId, injectTraceContext, type Logger } from '@supportmesh/telemetry';
import { isUpstreamError, UpstreamError } from './errors/upstream-error.js';

/** Statuses worth retrying an idempotent call on (with network errors). */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export interface ClientRetryOptions {
  /** Attempts including the first. @default 3 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly baseDelayMs?: number;
  /** @default 2_000 */
  readonly maxDelayMs?: number;
  /** Total time for all attempts and waits. @default 3 × timeoutMs */
  readonly budgetMs?: number;
}

export interface ServiceClientOptions {
  /** The downstream service's name (breaker name, logs, errors). */
  readonly name: string;
  /** e.g. `http://127.0.0.1:8081` */
  readonly baseUrl: string;
  /** Deadline per attempt; the request is aborted when it passes. */
  readonly timeoutMs: number;
  /** Breaker options, or false for none. @default 5 consecutive failures, 30 s open, one probe; 4xx are not failures */
  readonly breaker?: Omit<BreakerOptions<[PreparedRequest, AbortSignal | undefined], AxiosResponse>, 'name' | 'fallback'> | false;
  readonly retry?: ClientRetryOptions;
  /** Keep-alive sockets per host. @default 64 */
  readonly maxSockets?: number;
  readonly logger?: Logger;
  /** Largest response body accepted. @default 10 MiB */
  readonly maxResponseBytes?: number;
}

export interface CallOptions<S extends z.ZodType = z.ZodType> {
  /** Validates (and parses) the response body; a mismatch is an `UpstreamError` (`invalid_response`). */
  readonly schema?: S;
  /** Cancels the call (all attempts and waits). */
  readonly signal?: AbortSignal;
  /** Allow retries (network errors, 429/502/503/504). @default true for GET, false for POST */
  readonly idempotent?: boolean;
  /** Per-attempt deadline for this call. @default the client's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One HTTP attempt's inputs (what the breaker is fired with). */
export interface PreparedRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface ServiceClient {
  readonly name: string;
  /** The client's breaker (bind it to metrics with `bindBreakerMetrics`), undefined when disabled. */
  readonly breaker: CircuitBreaker<[PreparedRequest, AbortSignal | undefined], AxiosResponse> | undefined;
  post<T = unknown>(path: string, body: unknown, opts?: CallOptions<z.ZodType<T>>): Promise<T>;
  get<T = unknown>(path: string, opts?: CallOptions<z.ZodType<T>>): Promise<T>;
  /** Stops the breaker's timers and closes the keep-alive sockets. */
  close(): void;
}

function envelopeCode(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const code = (data as { error?: { code?: unknown } }).error?.code;
  return typeof code === 'string' && code.length <= 64 ? code : undefined;
}

/** The attempt's error when the upstream answered an error status or could not be reached. */
function toUpstreamError(service: string, err: unknown): unknown {
  if (axios.isAxiosError(err) && err.code !== 'ERR_CANCELED') {
    return new UpstreamError({ service, reason: 'network', networkCode: err.code, cause: err });
  }
  return err;
}

/** Breaker: network errors, timeouts and 5xx are failures; 4xx (the caller's fault) are not. */
function isUpstreamFailure(err: unknown): boolean {
  return !(isUpstreamError(err) && err.reason === 'http_status' && err.status !== undefined && err.status < 500);
}

function isRetryable(err: unknown): boolean {
  if (!isUpstreamError(err)) return false;
  return err.reason === 'network' || (err.status !== undefined && RETRYABLE_STATUS.has(err.status));
}

/**
 * An axios client for one downstream service: keep-alive agent, a deadline per attempt (the request is
 * aborted), one circuit breaker, retries for idempotent calls only, `x-correlation-id` and `traceparent`
 * forwarded, optional zod validation of the answer. Errors: `UpstreamError`, `TimeoutError`,
 * `BreakerOpenError` (and the caller's `AbortError` when it cancels).
 */
export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  const { name, logger } = opts;
  const https = opts.baseUrl.startsWith('https:');
  const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets ?? 64 };
  const agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const http: AxiosInstance = axios.create({
    adapter: 'http',
    baseURL: opts.baseUrl.replace(/\/+$/, ''),
    httpAgent: https ? undefined : agent,
    httpsAgent: https ? agent : undefined,
    proxy: false,
    maxRedirects: 0,
    timeout: 0,
    maxContentLength: opts.maxResponseBytes ?? 10 * 1024 * 1024,
    validateStatus: () => true,
    headers: { Accept: 'application/json' },
  });

  const attempt = async (req: PreparedRequest, signal: AbortSignal | undefined): Promise<AxiosResponse> => {
    const res = await withTimeout(
      (inner) =>
        http
          .request({ method: req.method, url: req.path, data: req.body, headers: req.headers, signal: inner })
          .catch((err: unknown) => Promise.reject(toUpstreamError(name, err))),
      req.timeoutMs,
      signal,
    );
    if (res.status >= 400) {
      throw new UpstreamError({
        service: name,
        reason: 'http_status',
        status: res.status,
        upstreamCode: envelopeCode(res.data),
        retryAfterMs: parseRetryAfter(res.headers as Record<string, unknown>),
      });
    }
    return res;
  };

  const breaker =
    opts.breaker === false
      ? undefined
      : createCircuitBreaker(attempt, { isFailure: isUpstreamFailure, ...opts.breaker, name });
  if (breaker && logger) {
    breaker.on('open', () => logger.warn({ upstream: name }, 'circuit breaker open'));
    breaker.on('halfOpen', () => logger.info({ upstream: name }, 'circuit breaker half-open'));
    breaker.on('close', () => logger.info({ upstream: name }, 'circuit breaker closed'));
  }

  const call = async <T>(method: 'GET' | 'POST', path: string, body: unknown, callOpts: CallOptions<z.ZodType<T>> = {}): Promise<T> => {
    const headers: Record<string, string> = { ...callOpts.headers };
    if (method === 'POST') headers['Content-Type'] = 'application/json';
    const correlationId = getCorrelationId();
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    injectTraceContext(headers);
    const timeoutMs = callOpts.timeoutMs ?? opts.timeoutMs;
    const req: PreparedRequest = { method, path, body, headers, timeoutMs };
    const once = (signal: AbortSignal | undefined): Promise<AxiosResponse> =>
      breaker ? breaker.fire(req, signal) : attempt(req, signal);

    const idempotent = callOpts.idempotent ?? method === 'GET';
    const res = idempotent
      ? await retry((_n, signal) => once(signal), {
          maxAttempts: opts.retry?.maxAttempts ?? 3,
          baseDelayMs: opts.retry?.baseDelayMs ?? 100,
          maxDelayMs: opts.retry?.maxDelayMs ?? 2_000,
          budgetMs: opts.retry?.budgetMs ?? 3 * timeoutMs,
          isRetryable,
          retryAfterMs: (err) => (isUpstreamError(err) ? err.retryAfterMs : undefined),
          signal: callOpts.signal,
          onRetry: ({ attempt: n, delayMs, error }) =>
            logger?.debug({ upstream: name, attempt: n, delayMs, code: (error as { code?: unknown }).code }, 'retrying upstream call'),
        })
      : await once(callOpts.signal);

    if (!callOpts.schema) return res.data as T;
    const parsed = callOpts.schema.safeParse(res.data);
    if (!parsed.success) {
      throw new UpstreamError({ service: name, reason: 'invalid_response', status: res.status, cause: parsed.error });
    }
    return parsed.data;
  };

  return {
    name,
    breaker,
    post: (path, body, callOpts) => call('POST', path, body, callOpts),
    get: (path, callOpts) => call('GET', path, undefined, callOpts),
    close() {
      breaker?.shutdown();
      agent.destroy();
    },
  };
}
