import { hostname } from 'node:os';
import { Intent, SERVICE_PORTS, STREAMS } from '@supportmesh/contracts';
import { loadConfig } from '@supportmesh/service-kit';
import { z } from 'zod';

const OnOff = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');
const Int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const IntentList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
  .pipe(z.array(Intent));

/** The escalation service's environment. Every variable has a local default (Zendesk needs its three). */
export const EscalationConfigSchema = z
  .object({
    PORT: Int(0, 65_535).default(SERVICE_PORTS.escalation),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),

    // ---- decision rules ----
    /** Sentiment score at or below this escalates. */
    ESCALATION_NEGATIVE_SENTIMENT: z.coerce.number().min(-1).max(1).default(-0.6),
    /** Intent confidence below this escalates. */
    ESCALATION_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.45),
    /** This many failed turns in a row escalates. */
    ESCALATION_MAX_FAILED_TURNS: Int(1, 1000).default(2),
    /** A refund request naming an amount above this escalates. */
    ESCALATION_REFUND_LIMIT: z.coerce.number().min(0).default(100),
    /** Intents always handed to a human (comma-separated). */
    ESCALATION_POLICY_INTENTS: IntentList.default(['delete_account', 'payment_issue', 'complaint']),

    // ---- tickets ----
    /** Key prefix of ticket records, idempotency keys and the local service desk. */
    ESCALATION_KEY_PREFIX: z.string().min(1).max(100).default('escalation:'),
    /** How long ticket records (and local-desk tickets) are kept. */
    ESCALATION_TICKET_TTL_SEC: Int(60, 365 * 86_400).default(30 * 86_400),
    /** How long a created ticket's idempotency key is remembered by the worker. */
    ESCALATION_IDEMPOTENCY_TTL_SEC: Int(60, 365 * 86_400).default(7 * 86_400),
    ESCALATION_STREAM: z.string().min(1).max(200).default(STREAMS.tickets),

    // ---- ticket worker ----
    /** Run the ticket worker in this process (`off` = only answer HTTP). */
    ESCALATION_WORKER: OnOff.default(true),
    ESCALATION_GROUP: z.string().min(1).max(200).default('ticket-worker'),
    ESCALATION_CONSUMER_NAME: z.string().min(1).max(200).default(`${hostname()}-${process.pid}`),
    /** @default `${ESCALATION_STREAM}:dead-letter` */
    ESCALATION_DEAD_LETTER_STREAM: z.string().min(1).max(200).optional(),
    /** A ticket still failing on this delivery goes to the dead-letter stream. */
    ESCALATION_MAX_DELIVERIES: Int(1, 100).default(5),
    /** A failed or abandoned ticket is retried after this long. */
    ESCALATION_MIN_IDLE_MS: Int(100, 3_600_000).default(30_000),
    ESCALATION_CLAIM_INTERVAL_MS: Int(50, 600_000).default(5_000),
    ESCALATION_BATCH_SIZE: Int(1, 1000).default(20),
    ESCALATION_METRICS_INTERVAL_MS: Int(100, 600_000).default(5_000),

    // ---- service desk ----
    SERVICE_DESK: z.enum(['local', 'zendesk']).default('local'),
    /** Deadline of one service-desk call (must be below ESCALATION_MIN_IDLE_MS). */
    SERVICE_DESK_TIMEOUT_MS: Int(100, 600_000).default(10_000),
    ZENDESK_SUBDOMAIN: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/i)
      .optional(),
    /** Overrides `https://{ZENDESK_SUBDOMAIN}.zendesk.com` (e.g. an egress proxy). */
    ZENDESK_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    ZENDESK_EMAIL: z.email().optional(),
    ZENDESK_API_TOKEN: z.string().min(1).optional(),

    DRAIN_DELAY_MS: Int(0, 60_000).default(0),
    SHUTDOWN_TIMEOUT_MS: Int(0, 120_000).default(10_000),
  })
  .superRefine((c, ctx) => {
    if (c.SERVICE_DESK_TIMEOUT_MS >= c.ESCALATION_MIN_IDLE_MS) {
      ctx.addIssue({ code: 'custom', path: ['SERVICE_DESK_TIMEOUT_MS'], message: 'must be below ESCALATION_MIN_IDLE_MS' });
    }
    if (c.SERVICE_DESK === 'zendesk') {
      if (!c.ZENDESK_SUBDOMAIN && !c.ZENDESK_BASE_URL) {
        ctx.addIssue({ code: 'custom', path: ['ZENDESK_SUBDOMAIN'], message: 'required when SERVICE_DESK=zendesk' });
      }
      if (!c.ZENDESK_EMAIL) ctx.addIssue({ code: 'custom', path: ['ZENDESK_EMAIL'], message: 'required when SERVICE_DESK=zendesk' });
      if (!c.ZENDESK_API_TOKEN) ctx.addIssue({ code: 'custom', path: ['ZENDESK_API_TOKEN'], message: 'required when SERVICE_DESK=zendesk' });
    }
  });

export type EscalationConfig = Readonly<z.infer<typeof EscalationConfigSchema>>;

/** Parses and freezes the environment once; throws a ConfigError naming every bad variable (never values). */
export function loadEscalationConfig(env: Readonly<Record<string, string | undefined>> = process.env): EscalationConfig {
  return loadConfig(EscalationConfigSchema, env);
}
