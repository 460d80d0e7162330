import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StateArgumentError } from '../errors/state-argument-error.js';
import { createRedis, type CreateRedisOptions } from '../redis.js';

export { MemoryCache } from '../cache.js';
export { MemoryVectorCache } from '../vector-cache.js';

/** Real Redis for tests: REDIS_URL or redis://127.0.0.1:6379. */
export const TEST_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run shares, e.g. `test:state:1b9d…:`. */
export function uniquePrefix(scope = 'test'): string {
  return `test:${scope}:${randomUUID()}:`;
}

/** A connected client for tests (resolves once PING answers). */
export async function createTestRedis(opts: CreateRedisOptions = {}): Promise<Redis> {
  const redis = createRedis(TEST_REDIS_URL, opts);
  await redis.ping();
  return redis;
}

/** A client pointed at a closed port, for "Redis is down" tests: commands fail at once. */
export function createDownRedis(opts: CreateRedisOptions = {}): Redis {
  return createRedis('redis://127.0.0.1:1', {
    connectTimeout: 200,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => 1_000,
    ...opts,
  });
}

/** Delete every key starting with `prefix` (SCAN + UNLINK, bounded). Never use a bare '' prefix. */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  if (prefix.length < 8) throw new StateArgumentError('refusing to delete by a prefix shorter than 8 characters');
  let cursor = '0';
  let deleted = 0;
  for (let i = 0; i < 10_000; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return deleted;
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
