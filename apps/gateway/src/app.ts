import express, { type RequestHandler, type Router } from 'express';
import { DEFAULT_ADMIN_CONFIG } from '@supportmesh/contracts';
import { createServiceApp, errorHandler, type ServiceApp } from '@supportmesh/service-kit';
import { MemoryCache, RedisCache, redisProbe, SessionStore, StreamProducer, type Redis } from '@supportmesh/state';
import { correlationMiddleware, httpMetricsMiddleware, tracingMiddleware, type Logger, type Metrics } from '@supportmesh/telemetry';
import { AdminConfigStore } from './admin/config-store.js';
import { createJwtVerifier } from './auth/jwt.js';
import { devKeyEntries, Keyring } from './auth/keyring.js';
import { authenticate } from './auth/middleware.js';
import { principalOf } from './auth/principal.js';
import { captureRawBody } from './channels/raw-body.js';
import type { GatewayConfig } from './config.js';
import { GatewayLimits } from './limits/limits.js';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
import type { Downstream } from './pipeline/downstream.js';
import { Pipeline } from './pipeline/pipeline.js';
import { httpPoolStatsSource, type PoolStatsReport, type PoolStatsSource } from './registry/pool-stats.js';
import { Registry } from './registry/registry.js';
import { registerAdminRoutes } from './routes/admin.js';
import { RAW_BODY_PATHS, registerChannelRoutes } from './routes/channels.js';
import { registerConversationRoutes } from './routes/conversations.js';
import { registerRegistryRoutes } from './routes/registry.js';
import { limitUser, type TurnDeps } from './routes/turns.js';
import { registerUiRoutes } from './routes/ui.js';
import { registerVoiceRoute } from './routes/voice.js';
import type { SpeechClient } from './speech/speech-client.js';
import { Conversations, type DurableStore } from './store/conversations.js';
import { PendingWrites } from './store/pending-writes.js';

/** The OpenAI-compatible facade (`src/facade`, `createFacadeRouter`), mounted at `/openai/v1` behind auth and limits. */
export interface FacadeMount {
  readonly router: Router;
  /** The facade's own LLM client statistics, added to `/api/v1/pool/stats`. */
  readonly stats?: () => PoolStatsReport;
}

export interface GatewayAppDeps {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly redis: Redis;
  readonly downstream: Downstream;
  /** Cosmos (or anything with the same contract). */
  readonly durable: DurableStore & { probe(): Promise<boolean> };
  /** The speech connector (voice turns). */
  readonly speech: SpeechClient;
  /** Voice turn settings. */
  readonly voice?: VoiceSettings;
  readonly facade?: FacadeMount;
  /** @default '0.0.0.0-dev' */
  readonly version?: string;
  /** Stream of `conversation.turn` events. @default config.GATEWAY_TURN_STREAM */
  readonly turnStream?: string;
  readonly clock?: () => Date;
}

export interface VoiceSettings {
  /** Largest audio upload (keep it equal to the speech connector's `SPEECH_MAX_BYTES`). @default 10 MiB */
  readonly maxBytes?: number;
  /** Voice of spoken replies. @default the connector's default voice */
  readonly voice?: string;
}

export interface GatewayApp extends ServiceApp {
  /** The Cosmos write queue; `main` starts its flusher and stops it on shutdown. */
  readonly pending: PendingWrites;
  readonly limits: GatewayLimits;
  readonly gatewayMetrics: GatewayMetrics;
}

/** Largest body of a webhook whose raw bytes are signed. */
const RAW_BODY_LIMIT = '256kb';

/** The gateway: public API, auth, rate limits, the conversation pipeline, channels, admin, web page. No I/O here. */
export function createApp(deps: GatewayAppDeps): GatewayApp {
  const { config, logger, metrics, redis } = deps;
  const prefix = config.GATEWAY_REDIS_PREFIX;
  const gatewayMetrics = createGatewayMetrics(metrics.registry);

  const keyring = new Keyring([
    ...config.GATEWAY_API_KEYS,
    ...(config.SUPPORTMESH_ENV === 'local' ? devKeyEntries(config.GATEWAY_DEV_API_KEY, config.GATEWAY_DEV_ADMIN_KEY) : []),
  ]);
  const jwt = config.GATEWAY_JWT_SECRET
    ? createJwtVerifier({ secret: config.GATEWAY_JWT_SECRET, issuer: config.GATEWAY_JWT_ISSUER, audience: config.GATEWAY_JWT_AUDIENCE })
    : undefined;
  const auth = authenticate({ keyring, jwt });

  const limits = new GatewayLimits({
    redis,
    keyPrefix: `${prefix}rl:`,
    failMode: config.GATEWAY_RATE_LIMIT_FAIL_MODE,
    userPerMinute: config.GATEWAY_RATE_LIMIT_PER_MINUTE,
    sessionPerMinute: config.GATEWAY_SESSION_RATE_LIMIT_PER_MINUTE,
    tokensPerMinute: config.GATEWAY_TOKEN_BUDGET_PER_MINUTE,
    logger,
    metrics: gatewayMetrics,
  });
  const adminConfig = new AdminConfigStore({
    redis,
    key: `${prefix}admin:config`,
    defaults: { ...DEFAULT_ADMIN_CONFIG, rateLimitPerMinute: config.GATEWAY_RATE_LIMIT_PER_MINUTE },
    cacheMs: config.GATEWAY_ADMIN_CONFIG_CACHE_MS,
    logger,
  });
  const pending = new PendingWrites({
    redis,
    key: `${prefix}persist:pending`,
    writer: deps.durable,
    logger,
    metrics: gatewayMetrics,
    intervalMs: config.GATEWAY_PERSIST_FLUSH_MS,
  });
  const conversations = new Conversations({
    redis,
    sessions: new SessionStore({ redis, prefix: `${prefix}session:`, ttlSec: config.SESSION_TTL_SEC }),
    seqPrefix: `${prefix}session:`,
    sessionTtlSec: config.SESSION_TTL_SEC,
    durable: deps.durable,
    pending,
    logger,
    metrics: gatewayMetrics,
    clock: deps.clock,
  });
  const pipeline = new Pipeline({
    downstream: deps.downstream,
    timeouts: {
      classify: config.GATEWAY_TIMEOUT_CLASSIFY_MS,
      review: config.GATEWAY_TIMEOUT_REVIEW_MS,
      retrieve: config.GATEWAY_TIMEOUT_RETRIEVE_MS,
      escalate: config.GATEWAY_TIMEOUT_ESCALATE_MS,
      respond: config.GATEWAY_TIMEOUT_RESPOND_MS,
      budget: config.GATEWAY_TURN_BUDGET_MS,
    },
    conversations,
    events: new StreamProducer({ redis, stream: deps.turnStream ?? config.GATEWAY_TURN_STREAM }),
    adminConfig: () => adminConfig.get(),
    logger,
    metrics: gatewayMetrics,
    clock: deps.clock,
  });
  const turnDeps: TurnDeps = { limits, conversations, pipeline, adminConfig };

  const poolSources: PoolStatsSource[] = [
    httpPoolStatsSource('response-generator', config.RESPONSE_GENERATOR_URL),
    httpPoolStatsSource('intent-classifier', config.INTENT_CLASSIFIER_URL),
  ];
  const facadeStats = deps.facade?.stats;
  if (facadeStats) poolSources.push({ name: 'gateway-facade', read: async () => facadeStats() });

  const registry = new Registry({
    version: deps.version ?? '0.0.0-dev',
    services: [
      { name: 'intent-classifier', url: config.INTENT_CLASSIFIER_URL },
      { name: 'knowledge-retrieval', url: config.KNOWLEDGE_RETRIEVAL_URL },
      { name: 'response-generator', url: config.RESPONSE_GENERATOR_URL },
      { name: 'escalation', url: config.ESCALATION_URL },
      { name: 'critic', url: config.CRITIC_URL },
      { name: 'analytics', url: config.ANALYTICS_URL },
      { name: 'speech-connector', url: config.SPEECH_CONNECTOR_URL },
    ],
    cache: new RedisCache({ redis, prefix }),
    fallbackCache: new MemoryCache({ maxEntries: 4 }),
    ttlSec: config.GATEWAY_REGISTRY_TTL_SEC,
    providers: {
      redis: { kind: 'redis', probe: redisProbe(redis) },
      cosmos: { kind: 'cosmos-db', probe: () => deps.durable.probe() },
    },
    poolSources,
    logger,
  });

  const inner = createServiceApp({
    service: 'gateway',
    logger,
    metrics,
    configure: (app) => {
      registerConversationRoutes(app, auth, turnDeps);
      registerVoiceRoute(app, auth, turnDeps, { speech: deps.speech, metrics: gatewayMetrics, logger, ...deps.voice });
      registerChannelRoutes(app, auth, turnDeps, { shopify: config.SHOPIFY_WEBHOOK_SECRET, zendesk: config.ZENDESK_WEBHOOK_SECRET });
      registerRegistryRoutes(app, auth, registry, () => poolSources);
      registerAdminRoutes(app, auth, adminConfig);
      registerUiRoutes(app, {
        environment: config.SUPPORTMESH_ENV,
        ...(config.SUPPORTMESH_ENV === 'local' && config.GATEWAY_DEV_API_KEY ? { devApiKey: config.GATEWAY_DEV_API_KEY } : {}),
      });
    },
  });

  // Outer shell: richer readiness, and raw-body capture for signed webhooks before the JSON parser.
  const outer = express();
  outer.disable('x-powered-by');
  outer.get('/ready', readiness(inner, redis, deps.durable, limits, pending, config.GATEWAY_RATE_LIMIT_FAIL_MODE));
  outer.post(RAW_BODY_PATHS, captureRawBody(RAW_BODY_LIMIT));
  if (deps.facade) {
    // The facade reads its own (larger, OpenAI-shaped) bodies: mounted ahead of the service app's JSON parser,
    // with the same correlation ids, tracing, HTTP metrics, auth, limits and error envelope for auth/limit errors.
    outer.use(
      '/openai/v1',
      correlationMiddleware(),
      tracingMiddleware('gateway'),
      httpMetricsMiddleware(metrics),
      auth,
      facadeGuard(turnDeps),
      deps.facade.router,
      errorHandler({ logger }),
    );
  }
  outer.use(inner.app);

  return {
    app: outer,
    setDraining: () => inner.setDraining(),
    get draining() {
      return inner.draining;
    },
    pending,
    limits,
    gatewayMetrics,
  };
}

/** Per-user request limit and token budget in front of the facade; `res.locals.consumeTokens(n)` charges what a call used. */
function facadeGuard(deps: TurnDeps): RequestHandler {
  return async (_req, res, next) => {
    try {
      const user = principalOf(res).user;
      await limitUser(deps, res, user);
      await deps.limits.checkTokens(user, res);
      res.locals['consumeTokens'] = (tokens: number) => deps.limits.consumeTokens(user, tokens);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * `GET /ready`: 503 while draining, or when Redis is down in fail-closed mode. Cosmos down does not make the
 * gateway unready (turns keep working from Redis and writes are queued): it shows as `degraded`. Redis down in
 * fail-open mode stays 200 with `rateLimit.state: degraded`.
 */
function readiness(
  inner: ServiceApp,
  redis: Redis,
  durable: { probe(): Promise<boolean> },
  limits: GatewayLimits,
  pending: PendingWrites,
  failMode: 'open' | 'closed',
): RequestHandler {
  const redisUp = redisProbe(redis, 500);
  return async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (inner.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const [redisOk, cosmosOk, pendingWrites] = await Promise.all([
      redisUp(),
      Promise.race([durable.probe(), new Promise<boolean>((r) => setTimeout(() => r(false), 1_000).unref())]),
      pending.length().catch(() => undefined),
    ]);
    const rateLimitDegraded = limits.degraded || !redisOk;
    const ready = redisOk || failMode === 'open';
    const allUp = redisOk && cosmosOk;
    res.status(ready ? 200 : 503).json({
      status: !ready ? 'not_ready' : allUp ? 'ready' : 'degraded',
      probes: { redis: redisOk ? 'up' : 'down', cosmos: cosmosOk ? 'up' : 'degraded' },
      rateLimit: { failMode, state: rateLimitDegraded ? 'degraded' : 'ok' },
      ...(pendingWrites === undefined ? {} : { pendingWrites }),
    });
  };
}
