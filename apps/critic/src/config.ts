import { SERVICE_PORTS } from '@supportmesh/contracts';
import { loadConfig } from '@supportmesh/service-kit';
import { z } from 'zod';

const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The critic's environment. Every variable has a local default; production sets REDIS_URL. */
export const CriticConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(SERVICE_PORTS.critic),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Redis key prefix of the per-conversation PII token hashes. */
  CRITIC_TOKEN_PREFIX: z.string().min(1).max(64).default('critic:pii:'),
  /** Lifetime of a conversation's token mapping (sliding; same as the hot session). */
  CRITIC_TOKEN_TTL_SEC: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(3600),
  /** Share of a sentence's content words one passage must contain for the sentence to count as grounded. */
  CRITIC_GROUNDING_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  /** Largest JSON body (a review carries up to 20 passages). */
  CRITIC_BODY_LIMIT: z.string().regex(/^\d+(?:kb|mb)$/).default('512kb'),
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** Fall back to unstored tokens when Redis fails (true) or answer 5xx (false). */
  CRITIC_VAULT_FAIL_OPEN: Bool.default(true),
});

export type CriticConfig = Readonly<z.infer<typeof CriticConfigSchema>>;

/** Parses and freezes the environment once; throws a ConfigError naming every bad variable. */
export function loadCriticConfig(env: Readonly<Record<string, string | undefined>> = process.env): CriticConfig {
  return loadConfig(CriticConfigSchema, env);
}
