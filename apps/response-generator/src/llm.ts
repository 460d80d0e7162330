import { createLlmClient, type LlmClient, type LlmClientConfig, type LlmLogger } from '@supportmesh/llm-client';
import { RedisCache, RedisVectorCache, type Redis } from '@supportmesh/state';

export interface ResponseLlmClientOptions {
  readonly config: LlmClientConfig;
  readonly redis: Redis;
  /** Key prefix of the shared caches. @default 'rg:' */
  readonly prefix?: string;
  readonly logger?: LlmLogger;
}

/**
 * The llm-client with its exact and semantic response caches (and the embedding memo) in Redis under `prefix`, so
 * every replica reuses every answer. Cache trouble only costs misses.
 */
export function createResponseLlmClient(options: ResponseLlmClientOptions): LlmClient {
  const prefix = options.prefix ?? 'rg:';
  return createLlmClient(options.config, {
    cache: new RedisCache({ redis: options.redis, prefix }),
    vectorCache: new RedisVectorCache({ redis: options.redis, prefix: `${prefix}vec:` }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
