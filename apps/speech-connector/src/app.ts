import { Bulkhead } from '@supportmesh/resilience';
import { createServiceApp, type ServiceApp } from '@supportmesh/service-kit';
import { bindBreakerMetrics, type Logger, type Metrics } from '@supportmesh/telemetry';
import type { SpeechConfig } from './config.js';
import { createSpeechMetrics, type SpeechMetrics } from './metrics.js';
import { guardProvider, type GuardedProvider, type GuardOptions } from './providers/guarded.js';
import type { SpeechProvider } from './providers/provider.js';
import { registerSynthesizeRoute } from './routes/synthesize.js';
import { registerTranscribeRoute } from './routes/transcribe.js';
import { registerVoicesRoute } from './routes/voices.js';

/** Input limits and per-pod capacity. */
export interface SpeechLimits {
  readonly maxBytes: number;
  readonly maxSeconds: number;
  readonly maxTextChars: number;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly queueTimeoutMs: number;
  readonly maxConcurrentSynthesis: number;
  readonly defaultLanguage: string;
}

export const DEFAULT_LIMITS: SpeechLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxSeconds: 60,
  maxTextChars: 2000,
  maxConcurrent: 50,
  maxQueue: 50,
  queueTimeoutMs: 250,
  maxConcurrentSynthesis: 8,
  defaultLanguage: 'en-US',
};

export const DEFAULT_GUARD: GuardOptions = { transcribeTimeoutMs: 45_000, synthesizeTimeoutMs: 20_000, retryAttempts: 2, breakerFailures: 5, breakerResetMs: 30_000 };

export function limitsFromConfig(c: SpeechConfig): SpeechLimits {
  return {
    maxBytes: c.SPEECH_MAX_BYTES,
    maxSeconds: c.SPEECH_MAX_SECONDS,
    maxTextChars: c.SPEECH_MAX_TEXT_CHARS,
    maxConcurrent: c.SPEECH_MAX_CONCURRENT,
    maxQueue: c.SPEECH_MAX_QUEUE,
    queueTimeoutMs: c.SPEECH_QUEUE_TIMEOUT_MS,
    maxConcurrentSynthesis: c.SPEECH_MAX_CONCURRENT_SYNTHESIS,
    defaultLanguage: c.SPEECH_LANGUAGE,
  };
}

export function guardFromConfig(c: SpeechConfig): GuardOptions {
  return {
    transcribeTimeoutMs: c.SPEECH_TRANSCRIBE_TIMEOUT_MS,
    synthesizeTimeoutMs: c.SPEECH_SYNTHESIZE_TIMEOUT_MS,
    retryAttempts: c.SPEECH_RETRY_ATTEMPTS,
    breakerFailures: c.SPEECH_BREAKER_FAILURES,
    breakerResetMs: c.SPEECH_BREAKER_RESET_MS,
  };
}

export interface SpeechAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The engine (Azure, local, or a stand-in in tests). */
  readonly provider: SpeechProvider;
  /** The default voice advertised by `GET /v1/speech/voices`. */
  readonly defaultVoice: string;
  readonly limits?: Partial<SpeechLimits>;
  readonly guard?: Partial<GuardOptions>;
  /** Extra readiness checks. */
  readonly probes?: Readonly<Record<string, () => Promise<boolean>>>;
}

export interface SpeechServiceApp extends ServiceApp {
  readonly guarded: GuardedProvider;
  readonly speechMetrics: SpeechMetrics;
  readonly transcriptions: Bulkhead;
  /** Stops the breakers' timers. */
  shutdown(): void;
}

/**
 * The speech connector: `POST /v1/speech/transcribe`, `POST /v1/speech/synthesize`, `GET /v1/speech/voices`,
 * plus health, readiness (`stt`/`tts` engine or configuration present) and metrics. No I/O here.
 */
export function createApp(deps: SpeechAppDeps): SpeechServiceApp {
  const limits: SpeechLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const guarded = guardProvider(deps.provider, { ...DEFAULT_GUARD, ...deps.guard });
  const transcriptions = new Bulkhead({ maxConcurrent: limits.maxConcurrent, maxQueue: limits.maxQueue, queueTimeoutMs: limits.queueTimeoutMs });
  const syntheses = new Bulkhead({ maxConcurrent: limits.maxConcurrentSynthesis, maxQueue: limits.maxConcurrentSynthesis, queueTimeoutMs: limits.queueTimeoutMs });
  const speechMetrics = createSpeechMetrics(deps.metrics.registry, () => transcriptions.queued);
  const unbind = [bindBreakerMetrics(guarded.sttBreaker, deps.metrics, 'speech-stt'), bindBreakerMetrics(guarded.ttsBreaker, deps.metrics, 'speech-tts')];
  const { provider, logger } = deps;

  const serviceApp = createServiceApp({
    service: 'speech-connector',
    logger,
    metrics: deps.metrics,
    probes: {
      stt: () => Promise.resolve(provider.capabilities().stt),
      tts: () => Promise.resolve(provider.capabilities().tts),
      provider: () => provider.ready(),
      ...deps.probes,
    },
    configure: (app) => {
      registerTranscribeRoute(app, { guarded, bulkhead: transcriptions, limits, metrics: speechMetrics, logger });
      registerSynthesizeRoute(app, { guarded, bulkhead: syntheses, maxTextChars: limits.maxTextChars, metrics: speechMetrics, logger });
      registerVoicesRoute(app, { provider, defaultVoice: deps.defaultVoice });
    },
  });

  return Object.assign(serviceApp, {
    guarded,
    speechMetrics,
    transcriptions,
    shutdown() {
      for (const u of unbind) u();
      guarded.shutdown();
    },
  });
}
