import { Redis, type RedisOptions } from 'ioredis';
import { withDeadline } from './util.js';

export type { Redis, RedisOptions } from 'ioredis';

/** The few logger methods this package uses; a pino logger fits. */
export interface StateLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CreateRedisOptions extends RedisOptions {
  /** Receives connection errors (message and code only, never the URL). Without it errors are swallowed
   *  (ioredis would otherwise print "Unhandled error event" on every reconnect attempt). */
  logger?: Pick<StateLogger, 'warn' | 'info'>;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * An ioredis client tuned to fail fast: commands fail after 2 reconnect attempts instead of queueing
 * forever, connects time out after 2 s, reconnects back off up to 2 s and never give up.
 * Pass `enableOfflineQueue: false` to fail immediately while disconnected.
 */
export function createRedis(
  url: string = process.env['REDIS_URL'] ?? DEFAULT_REDIS_URL,
  opts: CreateRedisOptions = {},
): Redis {
  const { logger, ...redisOptions } = opts;
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    connectTimeout: 2_000,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    ...redisOptions,
  });
  // Log the first error after each healthy period only: ioredis emits one per reconnect attempt.
  let reported = false;
  redis.on('error', (err: Error & { code?: string }) => {
    if (reported) return;
    reported = true;
    logger?.warn({ err: { message: err.message, code: err.code } }, 'redis connection error');
  });
  redis.on('ready', () => {
    if (reported) logger?.info({}, 'redis connection restored');
    reported = false;
  });
  return redis;
}

/** A readiness probe for service-kit's `/ready`: PING answered with PONG within `timeoutMs`. */
export function redisProbe(redis: Redis, timeoutMs = 500): () => Promise<boolean> {
  return async () => {
    try {
      return (await withDeadline(redis.ping(), timeoutMs)) === 'PONG';
    } catch {
      return false;
    }
  };
}
