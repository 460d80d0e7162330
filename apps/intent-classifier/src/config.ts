import { SERVICE_PORTS } from '@supportmesh/contracts';
import { loadConfig } from '@supportmesh/service-kit';
import { z } from 'zod';
import { DEFAULT_UNSURE_THRESHOLD } from './classifier.js';

/**
 * The intent-classifier's environment. Every variable has a local default. With `INTENT_LLM_MODE` other than
 * `off`, the llm-client reads its own variables (`LLM_ENDPOINT`, `LLM_API_KEY`, `AZURE_OPENAI_*`, `POOL_*`).
 */
export const IntentClassifierConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(SERVICE_PORTS['intent-classifier']),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `off`: local model only; `fallback`: ask the small LLM when the model is unsure; `always`: LLM first. */
  INTENT_LLM_MODE: z.enum(['off', 'fallback', 'always']).default('off'),
  /** Calibrated confidence below which the local model counts as unsure. */
  INTENT_UNSURE_THRESHOLD: z.coerce.number().min(0).max(1).default(DEFAULT_UNSURE_THRESHOLD),
  INTENT_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Training examples (JSONL `{text, intent}`); default: the bundled data/train.jsonl. */
  INTENT_TRAIN_PATH: z.string().min(1).optional(),
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});

export type IntentClassifierConfig = Readonly<z.infer<typeof IntentClassifierConfigSchema>>;

/** Parses and freezes the environment once; throws a ConfigError naming every bad variable. */
export function loadIntentClassifierConfig(env: Readonly<Record<string, string | undefined>> = process.env): IntentClassifierConfig {
  return loadConfig(IntentClassifierConfigSchema, env);
}
