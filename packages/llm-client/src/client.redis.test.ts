import { randomUUID } from 'node:crypto';
import { createRedis, RedisCache, RedisVectorCache, type Redis } from '@supportmesh/state';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLlmClient, type LlmClient } from './client.js';
import { closeEmulators, emulator, openaiDeployment, upstreamChats } from './testing/emulator-fixture.js';

const prefix = `test:${randomUUID()}:llm:`;
let redis: Redis;
const clients: LlmClient[] = [];

beforeAll(() => {
  redis = createRedis();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await closeEmulators();
});

afterAll(async () => {
  // Remove only this run's keys (other suites share the Redis).
  let cursor = '0';
  for (let i = 0; i < 1000; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  await redis.quit();
});

describe('response caches shared through Redis (real Redis, real HTTP)', () => {
  it('lets a second replica answer a repeated or paraphrased question without an upstream call', async () => {
    const emu = await emulator();
    const replica = (): LlmClient => {
      const c = createLlmClient(
        { deployments: [openaiDeployment(emu, 'big', 'gpt-4o')] },
        { cache: new RedisCache({ redis, prefix }), vectorCache: new RedisVectorCache({ redis, prefix: `${prefix}vec:` }) },
      );
      clients.push(c);
      return c;
    };
    const a = replica();
    const b = replica();
    const system = { role: 'system' as const, content: 'Answer from the help center.' };
    const first = await a.chat({ task: 'respond', messages: [system, { role: 'user', content: 'How do I reset my password?' }] });
    const exact = await b.chat({ task: 'respond', messages: [system, { role: 'user', content: 'How do I reset my password?' }] });
    const semantic = await b.chat({ task: 'respond', messages: [system, { role: 'user', content: 'how can I reset my password' }] });
    expect(exact).toMatchObject({ cached: true, cacheKind: 'exact', content: first.content });
    expect(semantic).toMatchObject({ cached: true, cacheKind: 'semantic', content: first.content });
    expect(upstreamChats(emu, 'gpt-4o')).toBe(1);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    // Key names are hashes: no message text in Redis key space.
    expect(keys.some((k) => /password/i.test(k))).toBe(false);
  });

  it('a failing embeddings deployment costs only a cache miss, with no retries', async () => {
    const emu = await emulator({ faults: { failAll: true, status: 500, deployments: ['text-embedding-3-small'] } });
    const c = createLlmClient(
      { deployments: [openaiDeployment(emu, 'big', 'gpt-4o'), openaiDeployment(emu, 'emb', 'text-embedding-3-small')] },
      { cache: new RedisCache({ redis, prefix }), vectorCache: new RedisVectorCache({ redis, prefix: `${prefix}vec:` }) },
    );
    clients.push(c);
    const res = await c.chat({ task: 'respond', messages: [{ role: 'user', content: 'Where is my order?' }] });
    expect(res.cached).toBe(false);
    // One embeddings attempt for the lookup and one for storing: never the retry loop.
    expect(emu.stats().requests.byDeployment['text-embedding-3-small']?.embeddings).toBe(2);
  });
});
