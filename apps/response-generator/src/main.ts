import { createRedis, redisProbe } from '@supportmesh/state';
import { startServer } from '@supportmesh/service-kit';
import { bindLlmMetrics, createLogger, createMetrics, initTracing } from '@supportmesh/telemetry';
import { createApp } from './app.js';
import { loadResponseGeneratorConfig } from './config.js';
import { createResponseLlmClient } from './llm.js';

const config = loadResponseGeneratorConfig();
const logger = createLogger({ service: 'response-generator', level: config.LOG_LEVEL });
const tracing = initTracing({ service: 'response-generator' });
const metrics = createMetrics({ service: 'response-generator' });

const redis = createRedis(config.REDIS_URL, { logger });
const llm = createResponseLlmClient({ config: config.llm, redis, prefix: config.RESPOND_CACHE_PREFIX, logger });
const unbindMetrics = bindLlmMetrics(llm, metrics, { pollMs: config.LLM_STATS_POLL_MS });
logger.info(
  { deployments: config.llm.deployments.map((d) => ({ name: d.name, model: d.model, tier: d.tier })), maxTokens: config.llm.maxTokens.respond },
  'llm client ready',
);

await startServer(createApp({ llm, logger, metrics, historyTurns: config.RESPOND_HISTORY_TURNS, probes: { redis: redisProbe(redis) } }), {
  port: config.PORT,
  host: config.HOST,
  logger,
  drainDelayMs: config.DRAIN_DELAY_MS,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    unbindMetrics();
    await llm.close();
    await redis.quit().catch(() => redis.disconnect());
    await tracing.shutdown();
  },
});
