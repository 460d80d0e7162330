import { createLlmClient, llmConfigFromEnv, type LlmClient } from '@supportmesh/llm-client';
import { startServer } from '@supportmesh/service-kit';
import { createLogger, createMetrics, initTracing } from '@supportmesh/telemetry';
import { createApp } from './app.js';
import { createClassifier } from './classifier.js';
import { loadIntentClassifierConfig } from './config.js';
import { createLlmIntentClassifier } from './llm/llm-intent-classifier.js';
import { loadExamples } from './model/dataset.js';
import { IntentModel } from './model/intent-model.js';
import { TRAIN_PATH } from './paths.js';

const config = loadIntentClassifierConfig();
const logger = createLogger({ service: 'intent-classifier', level: config.LOG_LEVEL });
const tracing = initTracing({ service: 'intent-classifier' });
const metrics = createMetrics({ service: 'intent-classifier' });

// Train at start: a few hundred milliseconds on the bundled examples.
const model = IntentModel.train(loadExamples(config.INTENT_TRAIN_PATH ?? TRAIN_PATH));
const { examples, features, temperature, trainMs } = model.stats;
logger.info({ examples, features, temperature, trainMs: Math.round(trainMs) }, 'intent model trained');

let llmClient: LlmClient | undefined;
if (config.INTENT_LLM_MODE !== 'off') {
  llmClient = createLlmClient(llmConfigFromEnv(), { logger });
  logger.info({ mode: config.INTENT_LLM_MODE }, 'LLM classification enabled');
}

const classifier = createClassifier({
  model,
  llm: llmClient ? createLlmIntentClassifier(llmClient) : undefined,
  mode: config.INTENT_LLM_MODE,
  unsureThreshold: config.INTENT_UNSURE_THRESHOLD,
  llmTimeoutMs: config.INTENT_LLM_TIMEOUT_MS,
  onLlmFailure: (err) => logger.warn({ err: { name: (err as Error)?.name, code: (err as { code?: unknown })?.code } }, 'LLM classification failed; local model answered'),
});

await startServer(createApp({ logger, metrics, classifier }), {
  port: config.PORT,
  host: config.HOST,
  logger,
  drainDelayMs: config.DRAIN_DELAY_MS,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await llmClient?.close();
    await tracing.shutdown();
  },
});
