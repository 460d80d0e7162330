import { TranscribeResponse, type SynthesizeRequest } from '@supportmesh/contracts';
import { createCircuitBreaker, parseRetryAfter, withTimeout, type CircuitBreaker } from '@supportmesh/resilience';
import { UpstreamError } from '@supportmesh/service-kit';
import { bindBreakerMetrics, CORRELATION_HEADER, getCorrelationId, injectTraceContext, type Logger, type Metrics } from '@supportmesh/telemetry';
import { isSpeechRejectedError, SpeechRejectedError } from './speech-rejected-error.js';

const SERVICE = 'speech-connector';

export interface SpeechClientOptions {
  /** e.g. `http://127.0.0.1:8087` */
  readonly baseUrl: string;
  /** Deadline of one transcription (upload + recognition). @default 30_000 */
  readonly transcribeTimeoutMs?: number;
  /** Deadline of one synthesis. @default 15_000 */
  readonly synthesizeTimeoutMs?: number;
  /** Breakers (one per direction): consecutive failures to open, and open time. @default 5, 30_000 */
  readonly breakerFailures?: number;
  readonly breakerResetMs?: number;
  /** Largest synthesized audio accepted. @default 32 MiB */
  readonly maxAudioBytes?: number;
  readonly logger?: Logger;
  /** When given, both breakers are mirrored in `circuit_breaker_state{name}`. */
  readonly metrics?: Metrics;
}

export interface SynthesizedAudio {
  readonly audio: Buffer;
  /** e.g. `audio/wav` */
  readonly contentType: string;
}

/** The speech connector's API as the gateway's voice turn uses it. */
export interface SpeechClient {
  /** Raw audio → transcript. Rejects `SpeechRejectedError` (4xx, the caller's audio), `UpstreamError`, `TimeoutError`, `BreakerOpenError`. */
  transcribe(audio: Buffer, contentType: string, opts?: { signal?: AbortSignal }): Promise<TranscribeResponse>;
  /** Text → audio bytes (WAV unless asked otherwise). Same errors. */
  synthesize(request: SynthesizeRequest, opts?: { signal?: AbortSignal }): Promise<SynthesizedAudio>;
  /** Bind them to metrics or inspect their state. */
  readonly breakers: Readonly<Record<'transcribe' | 'synthesize', CircuitBreaker<[SpeechCall, AbortSignal | undefined], SpeechAnswer>>>;
  close(): void;
}

/** One HTTP call to the connector (what a breaker is fired with). */
export interface SpeechCall {
  readonly path: string;
  readonly body: Buffer | string;
  readonly contentType: string;
  readonly timeoutMs: number;
}

/** The connector's successful answer. */
export interface SpeechAnswer {
  readonly contentType: string;
  readonly body: Buffer;
}

/** Reads the error envelope of a 4xx answer, keeping only what is safe to show: a short code, message and details. */
function rejection(status: number, body: Buffer): SpeechRejectedError {
  let code = 'BAD_REQUEST';
  let message = 'The speech service rejected the audio';
  let details: unknown;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const e = parsed.error;
    if (typeof e?.code === 'string' && /^[A-Z0-9_]{1,64}$/.test(e.code)) code = e.code;
    if (typeof e?.message === 'string' && e.message.length > 0 && e.message.length <= 500) message = e.message;
    if (e?.details !== undefined && JSON.stringify(e.details).length <= 2_000) details = e.details;
  } catch {
    // not an envelope: the generic message stays
  }
  return new SpeechRejectedError(status, code, message, details);
}

/**
 * A client for the speech connector (`POST /v1/speech/transcribe` with the raw audio, `POST /v1/speech/synthesize`):
 * a deadline per call (the request is aborted), one circuit breaker per direction (network errors, timeouts and
 * 5xx count; 4xx — the caller's audio — do not), correlation id and trace context forwarded. No retries: a voice
 * turn is interactive and the connector retries its own engine.
 */
export function createSpeechClient(opts: SpeechClientOptions): SpeechClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const maxAudioBytes = opts.maxAudioBytes ?? 32 * 1024 * 1024;

  const attempt = async (call: SpeechCall, signal: AbortSignal | undefined): Promise<SpeechAnswer> =>
    withTimeout(
      async (inner) => {
        const headers: Record<string, string> = { 'content-type': call.contentType, accept: 'application/json, audio/*' };
        const correlationId = getCorrelationId();
        if (correlationId) headers[CORRELATION_HEADER] = correlationId;
        injectTraceContext(headers);
        let res: Response;
        try {
          res = await fetch(`${base}${call.path}`, { method: 'POST', headers, body: call.body, signal: inner, redirect: 'error' });
        } catch (err) {
          if (inner.aborted) throw err;
          const networkCode = (err as { cause?: { code?: unknown } }).cause?.code;
          throw new UpstreamError({ service: SERVICE, reason: 'network', ...(typeof networkCode === 'string' ? { networkCode } : {}), cause: err });
        }
        const declared = Number(res.headers.get('content-length') ?? '0');
        if (declared > maxAudioBytes) {
          await res.body?.cancel();
          throw new UpstreamError({ service: SERVICE, reason: 'invalid_response', status: res.status });
        }
        const body = Buffer.from(await res.arrayBuffer());
        if (res.status >= 400 && res.status < 500) throw rejection(res.status, body);
        if (res.status >= 400) {
          let upstreamCode: string | undefined;
          try {
            const code = (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown } }).error?.code;
            if (typeof code === 'string' && code.length <= 64) upstreamCode = code;
          } catch {
            // no envelope
          }
          throw new UpstreamError({
            service: SERVICE,
            reason: 'http_status',
            status: res.status,
            ...(upstreamCode ? { upstreamCode } : {}),
            retryAfterMs: parseRetryAfter(res.headers),
          });
        }
        return { contentType: res.headers.get('content-type') ?? '', body };
      },
      call.timeoutMs,
      signal,
    );

  const breaker = (direction: 'transcribe' | 'synthesize') => {
    const b = createCircuitBreaker(attempt, {
      name: `${SERVICE}-${direction}`,
      failureThreshold: opts.breakerFailures ?? 5,
      resetTimeoutMs: opts.breakerResetMs ?? 30_000,
      isFailure: (err) => !isSpeechRejectedError(err),
    });
    if (opts.logger) {
      const logger = opts.logger;
      b.on('open', () => logger.warn({ upstream: b.name }, 'circuit breaker open'));
      b.on('close', () => logger.info({ upstream: b.name }, 'circuit breaker closed'));
    }
    if (opts.metrics) bindBreakerMetrics(b, opts.metrics, b.name);
    return b;
  };
  const breakers = { transcribe: breaker('transcribe'), synthesize: breaker('synthesize') };

  return {
    breakers,
    async transcribe(audio, contentType, callOpts = {}) {
      const answer = await breakers.transcribe.fire(
        { path: '/v1/speech/transcribe', body: audio, contentType, timeoutMs: opts.transcribeTimeoutMs ?? 30_000 },
        callOpts.signal,
      );
      let json: unknown;
      try {
        json = JSON.parse(answer.body.toString('utf8'));
      } catch (err) {
        throw new UpstreamError({ service: SERVICE, reason: 'invalid_response', status: 200, cause: err });
      }
      const parsed = TranscribeResponse.safeParse(json);
      if (!parsed.success) throw new UpstreamError({ service: SERVICE, reason: 'invalid_response', status: 200, cause: parsed.error });
      return parsed.data;
    },
    async synthesize(request, callOpts = {}) {
      const answer = await breakers.synthesize.fire(
        { path: '/v1/speech/synthesize', body: JSON.stringify(request), contentType: 'application/json', timeoutMs: opts.synthesizeTimeoutMs ?? 15_000 },
        callOpts.signal,
      );
      const contentType = answer.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      if (!contentType.startsWith('audio/') || answer.body.length === 0) {
        throw new UpstreamError({ service: SERVICE, reason: 'invalid_response', status: 200 });
      }
      return { audio: answer.body, contentType };
    },
    close() {
      breakers.transcribe.shutdown();
      breakers.synthesize.shutdown();
    },
  };
}
