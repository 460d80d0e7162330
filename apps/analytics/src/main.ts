import { startServer } from '@supportmesh/service-kit';
import { createRedis, redisProbe } from '@supportmesh/state';
import { createLogger, createMetrics, initTracing } from '@supportmesh/telemetry';
import { AnalyticsStore } from './aggregates/analytics-store.js';
import { createApp } from './app.js';
import { loadAnalyticsConfig } from './config.js';
import { createAnalyticsMetrics } from './metrics.js';
import { StreamMonitor } from '@supportmesh/state';
import { createTurnConsumer } from './stream/turn-consumer.js';

const config = loadAnalyticsConfig();
const logger = createLogger({ service: 'analytics', level: config.LOG_LEVEL });
const tracing = initTracing({ service: 'analytics' });
const metrics = createMetrics({ service: 'analytics' });
const analyticsMetrics = createAnalyticsMetrics(metrics.registry);
const redis = createRedis(config.REDIS_URL, { logger });

const store = new AnalyticsStore({
  redis,
  prefix: config.ANALYTICS_KEY_PREFIX,
  dedupTtlSec: config.ANALYTICS_DEDUP_TTL_SEC,
  conversationTtlSec: config.ANALYTICS_CONVERSATION_TTL_SEC,
  smallModelPattern: new RegExp(config.ANALYTICS_SMALL_MODEL_PATTERN, 'i'),
  routingConfidence: config.ANALYTICS_ROUTING_CONFIDENCE,
});

const consumer = config.ANALYTICS_CONSUMER
  ? createTurnConsumer({
      redis,
      store,
      stream: config.ANALYTICS_STREAM,
      group: config.ANALYTICS_GROUP,
      consumer: config.ANALYTICS_CONSUMER_NAME,
      deadLetterStream: config.ANALYTICS_DEAD_LETTER_STREAM,
      batchSize: config.ANALYTICS_BATCH_SIZE,
      minIdleMs: config.ANALYTICS_MIN_IDLE_MS,
      claimIntervalMs: config.ANALYTICS_CLAIM_INTERVAL_MS,
      maxDeliveries: config.ANALYTICS_MAX_DELIVERIES,
      drainTimeoutMs: Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS),
      metrics: analyticsMetrics,
      logger,
    })
  : undefined;
const monitor = consumer
  ? new StreamMonitor({
      consumer,
      stream: config.ANALYTICS_STREAM,
      group: config.ANALYTICS_GROUP,
      gauges: analyticsMetrics,
      intervalMs: config.ANALYTICS_METRICS_INTERVAL_MS,
      logger,
      onStatsDelta: (d) => {
        analyticsMetrics.failed.inc(d.failed);
        analyticsMetrics.deadLettered.inc({ reason: 'consumer' }, d.deadLettered);
      },
    })
  : undefined;

const serviceApp = createApp({
  logger,
  metrics,
  store,
  probes: { redis: redisProbe(redis) },
  recommendations: {
    minSample: config.ANALYTICS_MIN_SAMPLE,
    lowCacheHitRate: config.ANALYTICS_LOW_CACHE_HIT_RATE,
    highEscalationRate: config.ANALYTICS_HIGH_ESCALATION_RATE,
    smallModel: config.ANALYTICS_SMALL_MODEL,
    smallModelPriceRatio: config.ANALYTICS_SMALL_MODEL_PRICE_RATIO,
    routingConfidence: config.ANALYTICS_ROUTING_CONFIDENCE,
    latencyP95TargetMs: config.ANALYTICS_LATENCY_P95_TARGET_MS,
  },
});

const running = await startServer(serviceApp, {
  port: config.PORT,
  host: config.HOST,
  logger,
  drainDelayMs: config.DRAIN_DELAY_MS,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    monitor?.stop();
    // Finishes the current batch; anything unacknowledged stays pending for another replica.
    await consumer?.stop();
    await redis.quit().catch(() => redis.disconnect());
    await tracing.shutdown();
  },
});

if (consumer) {
  try {
    await consumer.start();
  } catch (err) {
    logger.fatal({ err }, 'conversation.turn consumer failed to start');
    await running.close();
    process.exit(1);
  }
  monitor?.start();
  logger.info({ stream: config.ANALYTICS_STREAM, group: config.ANALYTICS_GROUP }, 'conversation.turn consumer started');
}
