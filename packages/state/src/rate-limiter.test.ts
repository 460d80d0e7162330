import net from 'node:net';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter, FAIL_CLOSED_RETRY_AFTER_MS, type RateLimiter } from './rate-limiter.js';
import { createRedis } from './redis.js';
import { isStateArgumentError } from './errors/state-argument-error.js';
import { isRedisTimeoutError } from './errors/redis-timeout-error.js';
import { createDownRedis, createTestRedis, deleteByPrefix, uniquePrefix } from './testing/index.js';

let replicaA: Redis;
let replicaB: Redis;
let prefix: string;

beforeAll(async () => {
  // Two connections stand in for two gateway replicas.
  replicaA = await createTestRedis();
  replicaB = await createTestRedis();
});

afterEach(async () => {
  await deleteByPrefix(replicaA, prefix);
});

afterAll(async () => {
  await Promise.all([replicaA.quit(), replicaB.quit()]);
});

function limiterPair(opts: { points: number; durationSec: number; refundRejected?: boolean }): [RateLimiter, RateLimiter] {
  prefix = uniquePrefix('rl');
  return [
    createRateLimiter({ redis: replicaA, keyPrefix: prefix, ...opts }),
    createRateLimiter({ redis: replicaB, keyPrefix: prefix, ...opts }),
  ];
}

describe('createRateLimiter with Redis up', () => {
  it('holds one limit across two replicas: 30 consumes with points=10 allow exactly 10', async () => {
    const [a, b] = limiterPair({ points: 10, durationSec: 60 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).consume('user-1')),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.every((r) => !r.degraded)).toBe(true);
    const limited = results.filter((r) => !r.allowed);
    expect(limited).toHaveLength(20);
    for (const r of limited) {
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs).toBeLessThanOrEqual(60_000);
      expect(r.remaining).toBe(0);
    }
  });

  it('counts remaining points down and leaves other keys unaffected', async () => {
    const [a, b] = limiterPair({ points: 3, durationSec: 60 });
    expect((await a.consume('user-1')).remaining).toBe(2);
    expect((await b.consume('user-1')).remaining).toBe(1);
    expect((await a.consume('user-1')).remaining).toBe(0);
    expect((await b.consume('user-1')).allowed).toBe(false);
    const other = await a.consume('user-2');
    expect(other).toMatchObject({ allowed: true, remaining: 2, retryAfterMs: 0, degraded: false });
  });

  it('works as a token budget: consuming N points spends N tokens', async () => {
    const [a, b] = limiterPair({ points: 1000, durationSec: 60, refundRejected: true });
    expect(await a.consume('tenant-1', 400)).toMatchObject({ allowed: true, remaining: 600 });
    expect(await b.consume('tenant-1', 400)).toMatchObject({ allowed: true, remaining: 200 });
    const tooBig = await a.consume('tenant-1', 300);
    expect(tooBig.allowed).toBe(false);
    expect(tooBig.retryAfterMs).toBeGreaterThan(0);
    // The rejected 300 tokens were refunded, so the 200 that remain can still be spent.
    expect(await b.consume('tenant-1', 200)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await a.consume('tenant-1', 1)).allowed).toBe(false);
  });

  it('without refunds a rejected consume still counts against the window', async () => {
    const [a] = limiterPair({ points: 1000, durationSec: 60 });
    await a.consume('tenant-1', 800);
    expect((await a.consume('tenant-1', 300)).allowed).toBe(false);
    expect((await a.consume('tenant-1', 100)).allowed).toBe(false);
  });

  it('blocks a key for blockDurationSec once it exceeds its points', async () => {
    prefix = uniquePrefix('rl');
    const limiter = createRateLimiter({ redis: replicaA, keyPrefix: prefix, points: 2, durationSec: 1, blockDurationSec: 120 });
    await limiter.consume('k');
    await limiter.consume('k');
    const blocked = await limiter.consume('k');
    expect(blocked.allowed).toBe(false);
    expect(blocked.retryAfterMs).toBeGreaterThan(60_000);
  });

  it('starts a new window durationSec after the first consume (Redis key expiry)', async () => {
    prefix = uniquePrefix('rl');
    const limiter = createRateLimiter({ redis: replicaA, keyPrefix: prefix, points: 1, durationSec: 1 });
    expect((await limiter.consume('k')).allowed).toBe(true);
    const limited = await limiter.consume('k');
    expect(limited.allowed).toBe(false);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(1000);
    // Redis expires the window key on its own clock; wait for it (bounded).
    await new Promise((r) => setTimeout(r, limited.retryAfterMs + 50));
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  it('reset forgets a key', async () => {
    const [a] = limiterPair({ points: 1, durationSec: 60 });
    await a.consume('k');
    expect((await a.consume('k')).allowed).toBe(false);
    await a.reset('k');
    expect((await a.consume('k')).allowed).toBe(true);
  });

  it('rejects fractional or negative points instead of treating them as a Redis failure', async () => {
    const [a] = limiterPair({ points: 5, durationSec: 60 });
    await expect(a.consume('k', 1.5)).rejects.toSatisfy(isStateArgumentError);
    await expect(a.consume('k', -1)).rejects.toSatisfy(isStateArgumentError);
    expect(() => createRateLimiter({ redis: replicaA, keyPrefix: 'x', points: 0, durationSec: 1 })).toThrow();
  });
});

describe('createRateLimiter with Redis down', () => {
  let down: Redis;
  beforeAll(() => {
    down = createDownRedis();
  });
  afterAll(() => {
    down.disconnect();
  });

  it("fail-open answers from the per-process insurance limiter and flags the answer degraded", async () => {
    const errors: unknown[] = [];
    const limiter = createRateLimiter({
      redis: down,
      keyPrefix: uniquePrefix('rl-down'),
      points: 10,
      durationSec: 60,
      insurancePoints: 2,
      onRedisError: (e) => errors.push(e),
    });
    const results = [await limiter.consume('u'), await limiter.consume('u'), await limiter.consume('u')];
    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    expect(results.every((r) => r.degraded)).toBe(true);
    expect(results[2]?.retryAfterMs).toBeGreaterThan(0);
    expect((await limiter.consume('other')).allowed).toBe(true);
    expect(errors.length).toBe(4);
  });

  it('fail-open uses a caller-supplied insuranceLimiter when given', async () => {
    const limiter = createRateLimiter({
      redis: down,
      keyPrefix: uniquePrefix('rl-down'),
      points: 10,
      durationSec: 60,
      insuranceLimiter: new RateLimiterMemory({ points: 1, duration: 60 }),
    });
    expect((await limiter.consume('u')).allowed).toBe(true);
    expect(await limiter.consume('u')).toMatchObject({ allowed: false, degraded: true });
  });

  it('fail-closed refuses with retryAfterMs 1000 and flags the answer degraded', async () => {
    const limiter = createRateLimiter({
      redis: down,
      keyPrefix: uniquePrefix('rl-down'),
      points: 10,
      durationSec: 60,
      failMode: 'closed',
    });
    expect(await limiter.consume('u')).toMatchObject({
      allowed: false,
      degraded: true,
      retryAfterMs: FAIL_CLOSED_RETRY_AFTER_MS,
    });
  });
});

describe('createRateLimiter with Redis connected but not answering', () => {
  it('treats a reply slower than timeoutMs as Redis down (black-hole TCP server stands in for a hung Redis)', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    // No handshake commands: the client is "ready" as soon as TCP connects, then nothing ever answers.
    const redis = createRedis(`redis://127.0.0.1:${port}`, { enableReadyCheck: false, protocol: 2, disableClientInfo: true });
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
    const errors: unknown[] = [];
    try {
      const open = createRateLimiter({ redis, keyPrefix: 'bh', points: 5, durationSec: 60, timeoutMs: 50, onRedisError: (e) => errors.push(e) });
      expect(await open.consume('u')).toMatchObject({ allowed: true, degraded: true, remaining: 4 });
      const closed = createRateLimiter({ redis, keyPrefix: 'bh', points: 5, durationSec: 60, timeoutMs: 50, failMode: 'closed' });
      expect(await closed.consume('u')).toMatchObject({ allowed: false, degraded: true });
      expect(errors.some(isRedisTimeoutError)).toBe(true);
    } finally {
      redis.disconnect();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
