import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis, deleteByPrefix, uniquePrefix } from '../testing/index.js';
import { StreamConsumer } from './consumer.js';
import { StreamMonitor, type StreamGauge } from './monitor.js';
import { StreamProducer } from './producer.js';

/** Records the last value per label set, like a Prometheus gauge. */
function recordingGauges() {
  const values = new Map<string, number>();
  const gauge = (name: string): StreamGauge => ({ set: (l, v) => void values.set(`${name}{stream="${l.stream}",group="${l.group}"}`, v) });
  return { values, gauges: { lag: gauge('redis_stream_lag'), pending: gauge('redis_stream_pending') } };
}

let redis: Redis;
const prefix = uniquePrefix('analytics-monitor');

beforeAll(async () => {
  redis = await createTestRedis();
});
afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  await redis.quit();
});

describe('StreamMonitor', () => {
  it('exports lag and pending of the group as redis_stream_lag / redis_stream_pending', async () => {
    const stream = `${prefix}turns`;
    const { values, gauges } = recordingGauges();
    const producer = new StreamProducer({ redis, stream });
    await redis.call('XGROUP', 'CREATE', stream, 'analytics', '$', 'MKSTREAM');
    for (let i = 0; i < 5; i++) await producer.publish({ i });
    // Two entries delivered and never acknowledged.
    await redis.xreadgroup('GROUP', 'analytics', 'x', 'COUNT', 2, 'STREAMS', stream, '>');
    const consumer = new StreamConsumer({ redis, stream, group: 'analytics', consumer: 'm', handler: async () => undefined });
    const monitor = new StreamMonitor({ consumer, stream, group: 'analytics', gauges });

    await monitor.refresh();

    expect(values.get(`redis_stream_lag{stream="${stream}",group="analytics"}`)).toBe(3);
    expect(values.get(`redis_stream_pending{stream="${stream}",group="analytics"}`)).toBe(2);
  });

  it('forwards the growth of the consumer counters and survives a failing Redis', async () => {
    const { gauges } = recordingGauges();
    let stats = { processed: 1, failed: 0, claimed: 0, deadLettered: 0 };
    const deltas: number[] = [];
    const monitor = new StreamMonitor({
      consumer: { stats: () => stats, lag: () => Promise.reject(new Error('down')), pending: async () => 0 },
      stream: 's',
      group: 'g',
      gauges,
      onStatsDelta: (d) => deltas.push(d.deadLettered),
    });
    await monitor.refresh();
    stats = { ...stats, deadLettered: 2 };
    await monitor.refresh();
    await monitor.refresh();
    expect(deltas).toEqual([0, 2, 0]);
  });
});
