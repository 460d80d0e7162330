import { createCircuitBreaker, isTimeoutError, retry, withTimeout, type CircuitBreaker } from '@supportmesh/resilience';
import { isHttpError } from '@supportmesh/service-kit';
import { isSpeechProviderError } from '../errors/speech-provider-error.js';
import type { AudioInput, SpeechProvider, SynthesizeOptions, SynthesizedAudio, TranscribeOptions, Transcript } from './provider.js';

export interface GuardOptions {
  readonly transcribeTimeoutMs: number;
  readonly synthesizeTimeoutMs: number;
  /** Attempts (first included) for retryable provider errors. @default 2 */
  readonly retryAttempts?: number;
  /** Consecutive failures that open a breaker. @default 5 */
  readonly breakerFailures?: number;
  /** How long an open breaker refuses calls. @default 30_000 */
  readonly breakerResetMs?: number;
}

/** Whether an error says something about the provider's health (the caller's bad input does not). */
export function isProviderFailure(err: unknown): boolean {
  if (isSpeechProviderError(err)) return !err.clientFault;
  if (isTimeoutError(err)) return true;
  return !isHttpError(err); // HttpErrors (corrupt audio, unknown voice, engine not installed) are answers, not failures
}

const isRetryable = (err: unknown): boolean => isSpeechProviderError(err) && err.retryable;
const retryAfterMs = (err: unknown): number | undefined =>
  isSpeechProviderError(err) && err.retryAfterSec !== undefined ? err.retryAfterSec * 1000 : undefined;

/** A provider call path: deadline (whole call, retries included) → retry on transient errors → breaker → provider. */
export interface GuardedProvider {
  readonly provider: SpeechProvider;
  readonly sttBreaker: CircuitBreaker<[AudioInput, TranscribeOptions], Transcript>;
  readonly ttsBreaker: CircuitBreaker<[string, SynthesizeOptions], SynthesizedAudio>;
  transcribe(audio: AudioInput, opts: TranscribeOptions): Promise<Transcript>;
  synthesize(text: string, opts: SynthesizeOptions): Promise<SynthesizedAudio>;
  shutdown(): void;
}

/**
 * Wraps a provider with a circuit breaker per direction (`speech-stt`, `speech-tts`), retries of transient
 * provider errors outside the breaker, and one deadline per call whose signal reaches the engine (the local
 * engines' processes are killed, the Azure recognizer is stopped).
 */
export function guardProvider(provider: SpeechProvider, opts: GuardOptions): GuardedProvider {
  const breakerOpts = { failureThreshold: opts.breakerFailures ?? 5, resetTimeoutMs: opts.breakerResetMs ?? 30_000, isFailure: isProviderFailure };
  const sttBreaker = createCircuitBreaker((audio: AudioInput, o: TranscribeOptions) => provider.transcribe(audio, o), { ...breakerOpts, name: 'speech-stt' });
  const ttsBreaker = createCircuitBreaker((text: string, o: SynthesizeOptions) => provider.synthesize(text, o), { ...breakerOpts, name: 'speech-tts' });
  const maxAttempts = opts.retryAttempts ?? 2;

  return {
    provider,
    sttBreaker,
    ttsBreaker,
    transcribe: (audio, o) =>
      withTimeout(
        (signal) => retry((_attempt, s) => sttBreaker.fire(audio, { ...o, signal: s }), { maxAttempts, isRetryable, retryAfterMs, signal, baseDelayMs: 200 }),
        opts.transcribeTimeoutMs,
        o.signal,
      ),
    synthesize: (text, o) =>
      withTimeout(
        (signal) => retry((_attempt, s) => ttsBreaker.fire(text, { ...o, signal: s }), { maxAttempts, isRetryable, retryAfterMs, signal, baseDelayMs: 200 }),
        opts.synthesizeTimeoutMs,
        o.signal,
      ),
    shutdown() {
      sttBreaker.shutdown();
      ttsBreaker.shutdown();
    },
  };
}
