import { startServer } from '@supportmesh/service-kit';
import { createLogger, createMetrics, initTracing } from '@supportmesh/telemetry';
import { createApp, guardFromConfig, limitsFromConfig } from './app.js';
import { loadSpeechConfig, providerKind } from './config.js';
import { createProvider } from './providers/select.js';

const config = loadSpeechConfig();
const logger = createLogger({ service: 'speech-connector', level: config.LOG_LEVEL });
const tracing = initTracing({ service: 'speech-connector' });
const metrics = createMetrics({ service: 'speech-connector' });

const { provider, engines } = await createProvider(config);
const caps = provider.capabilities();
logger.info(
  {
    provider: provider.name,
    stt: caps.stt,
    tts: caps.tts,
    inputFormats: caps.inputFormats,
    outputFormats: caps.outputFormats,
    ...(engines ? { ttsEngine: engines.espeak?.kind ?? 'none', missing: engines.missing } : {}),
    notes: caps.notes,
  },
  'speech provider ready',
);
if (!caps.stt) logger.warn({ missing: engines?.missing.stt }, 'no speech-to-text engine: /v1/speech/transcribe answers 503 STT_UNAVAILABLE');

const speechApp = createApp({
  logger,
  metrics,
  provider,
  defaultVoice: providerKind(config) === 'azure' ? config.AZURE_SPEECH_VOICE : config.SPEECH_LOCAL_VOICE,
  limits: limitsFromConfig(config),
  guard: guardFromConfig(config),
});

await startServer(speechApp, {
  port: config.PORT,
  host: config.HOST,
  logger,
  drainDelayMs: config.DRAIN_DELAY_MS,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    speechApp.shutdown();
    await provider.close?.();
    await tracing.shutdown();
  },
});
