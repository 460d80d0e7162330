import { existsSync, readFileSync } from 'node:fs';
import { createLlmClient, llmConfigFromEnv, type LlmClient } from '@supportmesh/llm-client';
import { startServer } from '@supportmesh/service-kit';
import { createRedis, RedisCache } from '@supportmesh/state';
import { bindBreakerMetrics, createLogger, createMetrics, initTracing } from '@supportmesh/telemetry';
import { createApp, type FacadeMount } from './app.js';
import { cosmosKey, cosmosTrustsSelfSigned, loadGatewayConfig } from './config.js';
import { createFacadeRouter } from './facade/index.js';
import { closeDownstream, createDownstream } from './pipeline/downstream.js';
import { createSpeechClient } from './speech/speech-client.js';
import { CosmosConversationStore } from './store/cosmos-store.js';

const config = loadGatewayConfig();
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
const tracing = initTracing({ service: 'gateway' });
const metrics = createMetrics({ service: 'gateway' });
/** The app's version: `../package.json` from src/ (tsx) and dist/, `./package.json` beside an esbuild bundle. */
const version =
  [new URL('../package.json', import.meta.url), new URL('./package.json', import.meta.url)]
    .filter((u) => existsSync(u))
    .map((u) => (JSON.parse(readFileSync(u, 'utf8')) as { version?: string }).version)
    .find((v) => typeof v === 'string') ?? '0.0.0';

if (config.SUPPORTMESH_ENV === 'production' && config.COSMOS_ALLOW_SELF_SIGNED) {
  logger.warn('COSMOS_ALLOW_SELF_SIGNED is ignored in production');
}

const redis = createRedis(config.REDIS_URL, { logger });
const durable = new CosmosConversationStore({
  endpoint: config.COSMOS_ENDPOINT,
  key: cosmosKey(config),
  database: config.COSMOS_DATABASE,
  container: config.COSMOS_CONTAINER,
  allowSelfSigned: cosmosTrustsSelfSigned(config),
  createIfMissing: config.SUPPORTMESH_ENV === 'local',
  ttlSec: config.COSMOS_TTL_SEC,
  timeoutMs: config.GATEWAY_TIMEOUT_PERSIST_MS,
  logger,
});
bindBreakerMetrics(durable.breaker, metrics, 'cosmos');
const downstream = createDownstream({
  urls: {
    critic: config.CRITIC_URL,
    classifier: config.INTENT_CLASSIFIER_URL,
    retrieval: config.KNOWLEDGE_RETRIEVAL_URL,
    responder: config.RESPONSE_GENERATOR_URL,
    escalation: config.ESCALATION_URL,
  },
  timeoutMs: config.GATEWAY_TIMEOUT_RESPOND_MS,
  logger,
  metrics,
});

const speech = createSpeechClient({ baseUrl: config.SPEECH_CONNECTOR_URL, logger, metrics });

// The OpenAI-compatible facade: one pooled LLM client for the process (exact-response cache in Redis).
let llm: LlmClient | undefined;
let facade: FacadeMount | undefined;
if (config.GATEWAY_FACADE_ENABLED) {
  const client = createLlmClient(llmConfigFromEnv(process.env), {
    cache: new RedisCache({ redis, prefix: `${config.GATEWAY_REDIS_PREFIX}llm:` }),
    logger,
  });
  llm = client;
  facade = { router: createFacadeRouter({ llm: client, logger, metrics }), stats: () => client.stats() };
}

const gateway = createApp({
  config,
  logger,
  metrics,
  redis,
  downstream,
  speech,
  durable,
  version,
  turnStream: config.GATEWAY_TURN_STREAM,
  ...(facade ? { facade } : {}),
});

// Create the database/container now in local mode; a failure is retried by the next write.
durable.ensureReady().catch((err: unknown) => logger.warn({ err: { name: (err as Error).name } }, 'Cosmos not reachable at start; writes will queue'));
gateway.pending.start();

await startServer(gateway, {
  port: config.PORT,
  host: config.HOST,
  logger,
  drainDelayMs: config.DRAIN_DELAY_MS,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await gateway.pending.stop();
    closeDownstream(downstream);
    speech.close();
    await llm?.close();
    durable.close();
    await redis.quit().catch(() => redis.disconnect());
    await tracing.shutdown();
  },
});
