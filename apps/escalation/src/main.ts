import { startServer } from '@supportmesh/service-kit';
import { createRedis, redisProbe } from '@supportmesh/state';
import { createLogger, createMetrics, initTracing } from '@supportmesh/telemetry';
import { createApp } from './app.js';
import { loadEscalationConfig } from './config.js';
import { LocalServiceDesk } from './desk/local-service-desk.js';
import type { ServiceDesk } from './desk/service-desk.js';
import { ZendeskServiceDesk } from './desk/zendesk-service-desk.js';
import { createEscalationMetrics } from './metrics.js';
import { TicketStore } from './tickets/ticket-store.js';
import { TicketWorker } from './worker/ticket-worker.js';

const config = loadEscalationConfig();
const logger = createLogger({ service: 'escalation', level: config.LOG_LEVEL });
const tracing = initTracing({ service: 'escalation' });
const metrics = createMetrics({ service: 'escalation' });
const escalationMetrics = createEscalationMetrics(metrics.registry);
const redis = createRedis(config.REDIS_URL, { logger });

const tickets = new TicketStore({
  redis,
  prefix: config.ESCALATION_KEY_PREFIX,
  stream: config.ESCALATION_STREAM,
  ttlSec: config.ESCALATION_TICKET_TTL_SEC,
});

function serviceDesk(): ServiceDesk {
  if (config.SERVICE_DESK === 'zendesk') {
    return new ZendeskServiceDesk({
      // The schema requires these when SERVICE_DESK=zendesk.
      baseUrl: config.ZENDESK_BASE_URL ?? ZendeskServiceDesk.baseUrlFor(config.ZENDESK_SUBDOMAIN ?? ''),
      email: config.ZENDESK_EMAIL ?? '',
      apiToken: config.ZENDESK_API_TOKEN ?? '',
    });
  }
  return new LocalServiceDesk({ redis, prefix: config.ESCALATION_KEY_PREFIX, ttlSec: config.ESCALATION_TICKET_TTL_SEC });
}

const worker = config.ESCALATION_WORKER
  ? new TicketWorker({
      redis,
      store: tickets,
      desk: serviceDesk(),
      metrics: escalationMetrics,
      stream: config.ESCALATION_STREAM,
      group: config.ESCALATION_GROUP,
      consumer: config.ESCALATION_CONSUMER_NAME,
      deadLetterStream: config.ESCALATION_DEAD_LETTER_STREAM,
      prefix: config.ESCALATION_KEY_PREFIX,
      idempotencyTtlSec: config.ESCALATION_IDEMPOTENCY_TTL_SEC,
      deskTimeoutMs: config.SERVICE_DESK_TIMEOUT_MS,
      maxDeliveries: config.ESCALATION_MAX_DELIVERIES,
      minIdleMs: config.ESCALATION_MIN_IDLE_MS,
      claimIntervalMs: config.ESCALATION_CLAIM_INTERVAL_MS,
      batchSize: config.ESCALATION_BATCH_SIZE,
      drainTimeoutMs: Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS),
      metricsIntervalMs: config.ESCALATION_METRICS_INTERVAL_MS,
      logger,
    })
  : undefined;

const serviceApp = createApp({
  logger,
  metrics,
  tickets,
  escalationMetrics,
  probes: { redis: redisProbe(redis) },
  rules: {
    negativeSentiment: config.ESCALATION_NEGATIVE_SENTIMENT,
    minConfidence: config.ESCALATION_MIN_CONFIDENCE,
    maxFailedTurns: config.ESCALATION_MAX_FAILED_TURNS,
    refundLimit: config.ESCALATION_REFUND_LIMIT,
    policyIntents: config.ESCALATION_POLICY_INTENTS,
  },
});

const running = await startServer(serviceApp, {
  port: config.PORT,
  host: config.HOST,
  logger,
  drainDelayMs: config.DRAIN_DELAY_MS,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    // Finishes the current ticket; anything unacknowledged stays pending for another replica.
    await worker?.stop();
    await redis.quit().catch(() => redis.disconnect());
    await tracing.shutdown();
  },
});

if (worker) {
  try {
    await worker.start();
  } catch (err) {
    logger.fatal({ err }, 'ticket worker failed to start');
    await running.close();
    process.exit(1);
  }
  logger.info({ stream: config.ESCALATION_STREAM, group: config.ESCALATION_GROUP, desk: config.SERVICE_DESK }, 'ticket worker started');
}
