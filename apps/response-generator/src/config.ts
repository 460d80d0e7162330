import { SERVICE_PORTS } from '@supportmesh/contracts';
import { isLlmConfigError, llmConfigFromEnv, type LlmClientConfig } from '@supportmesh/llm-client';
import { ConfigError, isConfigError, loadConfig } from '@supportmesh/service-kit';
import { z } from 'zod';

/**
 * The response-generator's own environment. Every variable has a local default. The llm-client reads its own
 * variables (`LLM_ENDPOINT`, `LLM_API_KEY`, `AZURE_OPENAI_*`, `POOL_*`, `LLM_MAX_TOKENS_RESPOND`, `LLM_CACHE_*`).
 */
export const ResponseGeneratorEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(SERVICE_PORTS['response-generator']),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Shared response caches and in-flight dedup live here, so every replica reuses every answer. */
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  /** Key prefix of this service's caches in Redis. */
  RESPOND_CACHE_PREFIX: z.string().min(1).max(64).default('rg:'),
  /** How many of the latest conversation turns go into the prompt. */
  RESPOND_HISTORY_TURNS: z.coerce.number().int().min(0).max(50).default(6),
  /** How often the pool gauges are refreshed from the llm-client's stats. */
  LLM_STATS_POLL_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});

export type ResponseGeneratorEnv = Readonly<z.infer<typeof ResponseGeneratorEnvSchema>>;

export interface ResponseGeneratorConfig extends ResponseGeneratorEnv {
  /** The llm-client configuration (holds API keys: never log it whole). */
  readonly llm: LlmClientConfig;
}

/**
 * Parses and freezes the environment once. Throws one {@link ConfigError} naming every bad variable, the service's
 * and the llm-client's together.
 */
export function loadResponseGeneratorConfig(env: Readonly<Record<string, string | undefined>> = process.env): ResponseGeneratorConfig {
  const problems: string[] = [];
  let own: ResponseGeneratorEnv | undefined;
  let llm: LlmClientConfig | undefined;
  try {
    own = loadConfig(ResponseGeneratorEnvSchema, env);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    problems.push(...err.problems);
  }
  try {
    llm = llmConfigFromEnv({ ...env });
  } catch (err) {
    if (!isLlmConfigError(err)) throw err;
    problems.push(...err.problems);
  }
  if (!own || !llm || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...own, llm });
}
