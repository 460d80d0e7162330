import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRedis, redisProbe } from './redis.js';
import { createDownRedis, createTestRedis } from './testing/index.js';

describe('redisProbe', () => {
  it('reports ready when Redis answers PING', async () => {
    const redis = await createTestRedis();
    try {
      expect(await redisProbe(redis)()).toBe(true);
    } finally {
      await redis.quit();
    }
  });

  it('reports not ready when Redis is down', async () => {
    const redis = createDownRedis();
    try {
      expect(await redisProbe(redis)()).toBe(false);
    } finally {
      redis.disconnect();
    }
  });

  it('reports not ready when Redis accepts the connection but never answers (black-hole TCP server)', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const redis = createRedis(`redis://127.0.0.1:${port}`, { enableReadyCheck: false, protocol: 2, disableClientInfo: true });
    try {
      expect(await redisProbe(redis, 50)()).toBe(false);
    } finally {
      redis.disconnect();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('createRedis', () => {
  it('fails commands fast while Redis is unreachable instead of queueing them forever', async () => {
    const redis = createRedis('redis://127.0.0.1:1', { connectTimeout: 200, retryStrategy: () => 20 });
    try {
      await expect(redis.get('k')).rejects.toThrow();
    } finally {
      redis.disconnect();
    }
  });

  it('logs the first connection error of an outage once, not on every reconnect attempt', async () => {
    const warnings: unknown[] = [];
    const logger = { warn: (obj: object) => void warnings.push(obj), info: () => undefined };
    const redis = createRedis('redis://127.0.0.1:1', { connectTimeout: 200, retryStrategy: () => 10, logger });
    let errors = 0;
    redis.on('error', () => errors++);
    try {
      await new Promise<void>((resolve) => {
        const check = () => (errors >= 3 ? resolve() : setTimeout(check, 10));
        check();
      });
      expect(warnings).toHaveLength(1);
      expect(JSON.stringify(warnings[0])).not.toContain('redis://');
    } finally {
      redis.disconnect();
    }
  });
});
