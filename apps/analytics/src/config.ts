import { hostname } from 'node:os';
import { SERVICE_PORTS, STREAMS } from '@supportmesh/contracts';
import { loadConfig } from '@supportmesh/service-kit';
import { z } from 'zod';

const OnOff = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');
const Int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The analytics service's environment. Every variable has a local default. */
export const AnalyticsConfigSchema = z.object({
  PORT: Int(0, 65_535).default(SERVICE_PORTS.analytics),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Run the stream consumer in this process (`off` = only serve the summary). */
  ANALYTICS_CONSUMER: OnOff.default(true),
  ANALYTICS_STREAM: z.string().min(1).max(200).default(STREAMS.conversationTurn),
  ANALYTICS_GROUP: z.string().min(1).max(200).default('analytics'),
  /** Consumer name inside the group; unique per replica (the pod name in Kubernetes). */
  ANALYTICS_CONSUMER_NAME: z.string().min(1).max(200).default(`${hostname()}-${process.pid}`),
  /** @default `${ANALYTICS_STREAM}:dead-letter` */
  ANALYTICS_DEAD_LETTER_STREAM: z.string().min(1).max(200).optional(),
  /**
   * Prefix of every aggregate key. Keep a hash tag (`{…}`) in it on Redis Cluster: the aggregation
   * script touches several keys at once.
   */
  ANALYTICS_KEY_PREFIX: z.string().min(1).max(100).default('{analytics}:'),
  ANALYTICS_BATCH_SIZE: Int(1, 1000).default(100),
  ANALYTICS_MIN_IDLE_MS: Int(100, 3_600_000).default(30_000),
  ANALYTICS_CLAIM_INTERVAL_MS: Int(50, 600_000).default(5_000),
  ANALYTICS_MAX_DELIVERIES: Int(1, 100).default(5),
  /** How long an applied event id is remembered (redeliveries after this would count again). */
  ANALYTICS_DEDUP_TTL_SEC: Int(60, 30 * 86_400).default(86_400),
  /** How long a conversation id is remembered for the distinct-conversation count. */
  ANALYTICS_CONVERSATION_TTL_SEC: Int(60, 365 * 86_400).default(30 * 86_400),
  /** Model names matching this (case-insensitive) are "small"; any other model name is "large". */
  ANALYTICS_SMALL_MODEL_PATTERN: z
    .string()
    .min(1)
    .max(200)
    .refine((s) => isRegExp(s), 'must be a valid regular expression')
    .default('mini|nano|small|haiku|3\\.5'),
  /** Large-model turns classified with at least this confidence count as routable to the small model. */
  ANALYTICS_ROUTING_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.9),
  /** Small model used in routing advice, and its price as a share of the large model's. */
  ANALYTICS_SMALL_MODEL: z.string().min(1).max(128).default('gpt-4o-mini'),
  ANALYTICS_SMALL_MODEL_PRICE_RATIO: z.coerce.number().min(0).max(1).default(0.06),
  /** Fewest turns of an intent before a recommendation is made about it. */
  ANALYTICS_MIN_SAMPLE: Int(1, 1_000_000).default(20),
  /** Intents whose cache hit rate is below this get a caching recommendation. */
  ANALYTICS_LOW_CACHE_HIT_RATE: z.coerce.number().min(0).max(1).default(0.3),
  /** Intents whose escalation rate is at least this get a knowledge-base recommendation. */
  ANALYTICS_HIGH_ESCALATION_RATE: z.coerce.number().min(0).max(1).default(0.3),
  ANALYTICS_LATENCY_P95_TARGET_MS: Int(1, 600_000).default(3_000),
  /** How often `redis_stream_lag` / `redis_stream_pending` are refreshed. */
  ANALYTICS_METRICS_INTERVAL_MS: Int(100, 600_000).default(5_000),
  DRAIN_DELAY_MS: Int(0, 60_000).default(0),
  SHUTDOWN_TIMEOUT_MS: Int(0, 120_000).default(10_000),
});

export type AnalyticsConfig = Readonly<z.infer<typeof AnalyticsConfigSchema>>;

/** Parses and freezes the environment once; throws a ConfigError naming every bad variable. */
export function loadAnalyticsConfig(env: Readonly<Record<string, string | undefined>> = process.env): AnalyticsConfig {
  return loadConfig(AnalyticsConfigSchema, env);
}

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}
