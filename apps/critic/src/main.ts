import { createRedis, redisProbe } from '@supportmesh/state';
import { startServer } from '@supportmesh/service-kit';
import { createLogger, createMetrics, initTracing } from '@supportmesh/telemetry';
import { createApp } from './app.js';
import { loadCriticConfig } from './config.js';
import { RedisTokenVault } from './vault/index.js';

const config = loadCriticConfig();
const logger = createLogger({ service: 'critic', level: config.LOG_LEVEL });
const tracing = initTracing({ service: 'critic' });
const metrics = createMetrics({ service: 'critic' });
const redis = createRedis(config.REDIS_URL, { logger });
const vault = new RedisTokenVault({ redis, prefix: config.CRITIC_TOKEN_PREFIX, ttlSec: config.CRITIC_TOKEN_TTL_SEC });

const serviceApp = createApp({
  logger,
  metrics,
  vault,
  probes: { redis: redisProbe(redis) },
  groundingThreshold: config.CRITIC_GROUNDING_THRESHOLD,
  vaultFailOpen: config.CRITIC_VAULT_FAIL_OPEN,
  bodyLimit: config.CRITIC_BODY_LIMIT,
});

await startServer(serviceApp, {
  port: config.PORT,
  host: config.HOST,
  logger,
  drainDelayMs: config.DRAIN_DELAY_MS,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await redis.quit().catch(() => redis.disconnect());
    await tracing.shutdown();
  },
});
