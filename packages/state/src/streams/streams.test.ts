import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StreamConsumer, type StreamConsumerOptions, type StreamMessage } from './consumer.js';
import { StreamProducer } from './producer.js';
import { createDownRedis, createTestRedis, deleteByPrefix, uniquePrefix } from '../testing/index.js';

// Streams run on Redis time (idle times, blocking reads), so these tests use short real intervals.

let redis: Redis;
let prefix: string;
let stream: string;
const consumers: StreamConsumer<unknown>[] = [];

beforeAll(async () => {
  redis = await createTestRedis();
});
beforeEach(() => {
  prefix = uniquePrefix('stream');
  stream = `${prefix}events`;
});
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  await deleteByPrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

function consumer<T>(opts: Partial<StreamConsumerOptions<T>> & Pick<StreamConsumerOptions<T>, 'handler'>): StreamConsumer<T> {
  const c = new StreamConsumer<T>({
    redis,
    stream,
    group: 'workers',
    consumer: `c-${randomUUID().slice(0, 8)}`,
    deadLetterStream: `${prefix}dead`,
    blockMs: 100,
    ...opts,
  });
  consumers.push(c as StreamConsumer<unknown>);
  return c;
}

/** Poll (bounded) until the condition holds. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('StreamProducer', () => {
  it('publishes the event as one JSON `data` field and returns the entry id', async () => {
    const producer = new StreamProducer({ redis, stream });
    const id = await producer.publish({ eventId: 'e1', turn: 1 });
    const entries = await redis.xrange(stream, '-', '+');
    expect(entries).toEqual([[id, ['data', JSON.stringify({ eventId: 'e1', turn: 1 })]]]);
  });

  it('caps the stream near maxLen', async () => {
    const producer = new StreamProducer({ redis, stream, maxLen: 100 });
    for (let i = 0; i < 1000; i++) await producer.publish({ i });
    const len = await redis.xlen(stream);
    expect(len).toBeGreaterThanOrEqual(100);
    expect(len).toBeLessThan(1000);
  });
});

describe('StreamConsumer', () => {
  it('processes 200 events exactly once across two consumers of one group and acks them all', async () => {
    const producer = new StreamProducer({ redis, stream });
    const seen = new Map<number, number>();
    const handler = async (msg: StreamMessage<{ n: number }>) => {
      seen.set(msg.data.n, (seen.get(msg.data.n) ?? 0) + 1);
      expect(msg.deliveries).toBe(1);
    };
    const a = consumer({ handler, batchSize: 20 });
    const b = consumer({ handler, batchSize: 20 });
    await Promise.all([a.start(), b.start()]);
    for (let n = 0; n < 200; n++) await producer.publish({ n });
    await until(() => seen.size === 200);
    await until(async () => (await a.pending()) === 0);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(a.stats().processed + b.stats().processed).toBe(200);
    expect(await a.lag()).toBe(0);
    expect(await redis.exists(`${prefix}dead`)).toBe(0);
  });

  it("a second consumer claims a dead consumer's pending entries after minIdleMs and drains them", async () => {
    const producer = new StreamProducer({ redis, stream });
    for (let n = 0; n < 10; n++) await producer.publish({ n });

    // The first consumer takes a batch and hangs on it forever, like a pod that froze.
    let taken = 0;
    const dying = consumer({ handler: () => new Promise<void>(() => void taken++), batchSize: 10, drainTimeoutMs: 50 });
    await dying.start();
    await until(async () => taken === 1 && (await dying.pending()) === 10);
    await dying.stop(); // gives up on the stuck batch; nothing was acked

    const processed: { n: number; deliveries: number }[] = [];
    const rescuer = consumer<{ n: number }>({
      handler: async (msg) => void processed.push({ n: msg.data.n, deliveries: msg.deliveries }),
      minIdleMs: 200,
      claimIntervalMs: 50,
    });
    await rescuer.start();
    await until(() => processed.length === 10);
    await until(async () => (await rescuer.pending()) === 0);
    expect(processed.map((p) => p.n).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(processed.every((p) => p.deliveries === 2)).toBe(true);
    expect(rescuer.stats().claimed).toBe(10);
  });

  it('moves a poison message to the dead-letter stream after maxDeliveries, acks it, and leaves others alone', async () => {
    const producer = new StreamProducer({ redis, stream });
    const attempts = new Map<string, number>();
    const done: string[] = [];
    const c = consumer<{ kind: string }>({
      handler: async (msg) => {
        attempts.set(msg.data.kind, (attempts.get(msg.data.kind) ?? 0) + 1);
        if (msg.data.kind === 'poison') throw Object.assign(new Error('cannot process'), { code: 'BAD_EVENT' });
        done.push(msg.data.kind);
      },
      maxDeliveries: 3,
      minIdleMs: 100,
      claimIntervalMs: 50,
    });
    await c.start();
    await producer.publish({ kind: 'ok-1' });
    const poisonId = await producer.publish({ kind: 'poison' });
    await producer.publish({ kind: 'ok-2' });

    await until(async () => (await redis.xlen(`${prefix}dead`)) === 1);
    await until(async () => (await c.pending()) === 0);
    expect(done).toEqual(['ok-1', 'ok-2']);
    expect(attempts.get('poison')).toBe(3);
    const [[, fields]] = (await redis.xrange(`${prefix}dead`, '-', '+')) as [[string, string[]]];
    const dead = Object.fromEntries(fields.flatMap((_, i, a) => (i % 2 === 0 ? [[a[i], a[i + 1]]] : [])));
    expect(dead).toMatchObject({
      originalId: poisonId,
      errorCode: 'BAD_EVENT',
      deliveries: '3',
      stream,
      group: 'workers',
      data: JSON.stringify({ kind: 'poison' }),
    });
    expect(c.stats().deadLettered).toBe(1);
  });

  it('dead-letters an entry whose payload is not JSON without retrying it', async () => {
    let calls = 0;
    const c = consumer({ handler: async () => void calls++ });
    await c.start();
    const badId = await redis.xadd(stream, '*', 'data', '{not json');
    await redis.xadd(stream, '*', 'data', '{"fine":true}');
    await until(async () => (await redis.xlen(`${prefix}dead`)) === 1 && calls === 1);
    const [[, fields]] = (await redis.xrange(`${prefix}dead`, '-', '+')) as [[string, string[]]];
    expect(fields).toContain('INVALID_PAYLOAD');
    expect(fields).toContain(badId);
    await until(async () => (await c.pending()) === 0);
  });

  it('reports lag (entries not yet delivered to the group) and pending (delivered, not acked)', async () => {
    await redis.xgroup('CREATE', stream, 'workers', '$', 'MKSTREAM');
    const producer = new StreamProducer({ redis, stream });
    for (let n = 0; n < 7; n++) await producer.publish({ n });
    const idle = consumer({ handler: async () => undefined });
    expect(await idle.lag()).toBe(7);
    expect(await idle.pending()).toBe(0);
    await redis.xreadgroup('GROUP', 'workers', 'manual', 'COUNT', 3, 'STREAMS', stream, '>');
    expect(await idle.lag()).toBe(4);
    expect(await idle.pending()).toBe(3);
  });

  it('reports zero lag and pending for a stream that does not exist yet', async () => {
    const c = consumer({ handler: async () => undefined });
    expect(await c.lag()).toBe(0);
    expect(await c.pending()).toBe(0);
  });

  it('stop interrupts a blocking read instead of waiting out blockMs', async () => {
    const c = consumer({ handler: async () => undefined, blockMs: 20_000 });
    await c.start();
    await new Promise((r) => setTimeout(r, 100)); // let it enter XREADGROUP BLOCK
    const outcome = await Promise.race([
      c.stop().then(() => 'stopped'),
      new Promise((r) => setTimeout(r, 5_000, 'still blocked')),
    ]);
    expect(outcome).toBe('stopped');
    expect(c.running).toBe(false);
  });

  it('finishes the batch in hand when stopped mid-batch', async () => {
    const producer = new StreamProducer({ redis, stream });
    for (let n = 0; n < 5; n++) await producer.publish({ n });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handled: number[] = [];
    const c = consumer<{ n: number }>({
      handler: async (msg) => {
        if (msg.data.n === 0) await gate;
        handled.push(msg.data.n);
      },
      batchSize: 5,
    });
    await c.start();
    await until(async () => (await c.pending()) === 5);
    const stopping = c.stop();
    release();
    await stopping;
    expect(handled).toEqual([0, 1, 2, 3, 4]);
    expect(await c.pending()).toBe(0);
  });

  it('creates its group only once, so a restarted consumer resumes where the group left off', async () => {
    const producer = new StreamProducer({ redis, stream });
    const seen: number[] = [];
    const first = consumer<{ n: number }>({ handler: async (m) => void seen.push(m.data.n) });
    await first.start();
    await producer.publish({ n: 1 });
    await until(() => seen.length === 1);
    await first.stop();
    await producer.publish({ n: 2 });
    const second = consumer<{ n: number }>({ handler: async (m) => void seen.push(m.data.n) });
    await second.start();
    await until(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
  });
});

describe('StreamConsumer with a RESP2 client', () => {
  it('parses RESP2 replies the same way (processes, acks, reports pending and lag)', async () => {
    const resp2 = await createTestRedis({ protocol: 2 });
    try {
      const producer = new StreamProducer({ redis: resp2, stream });
      const seen: number[] = [];
      const c = new StreamConsumer<{ n: number }>({
        redis: resp2,
        stream,
        group: 'resp2',
        consumer: 'c1',
        blockMs: 100,
        handler: async (m) => void seen.push(m.data.n),
      });
      await c.start();
      for (let n = 0; n < 5; n++) await producer.publish({ n });
      await until(() => seen.length === 5);
      await until(async () => (await c.pending()) === 0);
      expect(await c.lag()).toBe(0);
      await c.stop();
      expect(seen).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await resp2.quit();
    }
  });
});

describe('StreamConsumer with Redis down', () => {
  it('start rejects at once instead of hanging', async () => {
    const down = createDownRedis();
    try {
      const c = new StreamConsumer({ redis: down, stream: 'never', group: 'g', consumer: 'c', handler: async () => undefined });
      await expect(c.start()).rejects.toThrow();
      expect(c.running).toBe(false);
    } finally {
      down.disconnect();
    }
  });
});
