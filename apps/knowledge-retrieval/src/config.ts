import { SERVICE_PORTS } from '@supportmesh/contracts';
import { loadConfig } from '@supportmesh/service-kit';
import { z } from 'zod';

/**
 * The knowledge-retrieval environment. Every variable has a local default. With `RETRIEVAL_EMBEDDINGS=on` the
 * llm-client reads its own variables (`LLM_ENDPOINT`, `AZURE_OPENAI_*`, an embeddings deployment) and retrieval
 * becomes hybrid (BM25 + embeddings); BM25 alone is the default.
 */
export const KnowledgeRetrievalConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(SERVICE_PORTS['knowledge-retrieval']),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Folder of markdown articles; default: the bundled Northwind help center (data/articles). */
  KB_ARTICLES_DIR: z.string().min(1).optional(),
  RETRIEVAL_EMBEDDINGS: z.enum(['on', 'off']).default('off'),
  /** Score factor for passages of articles tagged with the request's intent: × (1 + boost). */
  RETRIEVAL_INTENT_BOOST: z.coerce.number().min(0).max(10).default(1),
  RETRIEVAL_TITLE_BOOST: z.coerce.number().min(0).max(10).default(2),
  RETRIEVAL_FUZZY: z.coerce.number().min(0).max(0.5).default(0.2),
  RETRIEVAL_MAX_PER_ARTICLE: z.coerce.number().int().min(1).max(20).default(2),
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});

export type KnowledgeRetrievalConfig = Readonly<z.infer<typeof KnowledgeRetrievalConfigSchema>>;

/** Parses and freezes the environment once; throws a ConfigError naming every bad variable. */
export function loadKnowledgeRetrievalConfig(env: Readonly<Record<string, string | undefined>> = process.env): KnowledgeRetrievalConfig {
  return loadConfig(KnowledgeRetrievalConfigSchema, env);
}
