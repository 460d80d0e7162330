import { z } from 'zod';
import { NonNegative, NonNegativeInt } from './common.js';

/** Connection-pool statistics, exactly the seed's `/pool/stats` shape. */
export const PoolStats = z.strictObject({
  pool_enabled: z.boolean(),
  pool_size: NonNegativeInt,
  active_connections: NonNegativeInt,
  available_connections: NonNegativeInt,
  total_requests: NonNegativeInt,
  total_errors: NonNegativeInt,
  circuit_breaker_state: z.enum(['CLOSED', 'OPEN', 'HALF_OPEN']),
  avg_wait_time_ms: NonNegative,
  timestamp: z.string(),
});
export type PoolStats = z.infer<typeof PoolStats>;

const MAX_FACADE_CONTENT_CHARS = 32_000;

export const ChatCompletionMessage = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().max(MAX_FACADE_CONTENT_CHARS),
});
export type ChatCompletionMessage = z.infer<typeof ChatCompletionMessage>;

/** OpenAI-compatible `POST /v1/chat/completions` (minimal; extra keys passed through). */
export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1).max(128),
  messages: z.array(ChatCompletionMessage).min(1).max(100),
  max_tokens: z.number().int().min(1).max(32_768).optional(),
  temperature: z.number().min(0).max(2).optional(),
  stream: z.boolean().optional(),
  response_format: z.looseObject({ type: z.string().max(64) }).optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/** OpenAI-compatible `POST /v1/embeddings` (extra keys passed through). */
export const EmbeddingsRequest = z.looseObject({
  model: z.string().min(1).max(128),
  input: z.union([z.string().max(MAX_FACADE_CONTENT_CHARS), z.array(z.string().max(MAX_FACADE_CONTENT_CHARS)).min(1).max(256)]),
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;
