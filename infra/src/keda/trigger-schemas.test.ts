import { describe, expect, it } from 'vitest';
import { KedaTrigger } from './trigger-schemas.js';

const prometheus = {
  type: 'prometheus',
  name: 'inflight',
  metricType: 'AverageValue',
  metadata: { serverAddress: 'http://prometheus:9090', query: 'sum(up)', threshold: '10' },
} as const;

const issues = (t: unknown) => {
  const r = KedaTrigger.safeParse(t);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('KEDA trigger metadata schemas', () => {
  it('accepts a well-formed prometheus trigger', () => {
    expect(issues(prometheus)).toEqual([]);
  });

  it('rejects a misspelled metadata key instead of letting KEDA ignore it', () => {
    const { threshold, ...rest } = prometheus.metadata;
    const found = issues({ ...prometheus, metadata: { ...rest, treshold: threshold } });
    expect(found.join('\n')).toMatch(/treshold/);
    expect(found.join('\n')).toMatch(/metadata\.threshold/);
  });

  it('rejects keys KEDA removed (metricName) and deprecated ones (cpu type)', () => {
    expect(issues({ ...prometheus, metadata: { ...prometheus.metadata, metricName: 'x' } })).not.toEqual([]);
    expect(issues({ type: 'cpu', metricType: 'Utilization', metadata: { type: 'Utilization', value: '70' } })).not.toEqual([]);
  });

  it('requires cpu and memory triggers to state Utilization or AverageValue', () => {
    expect(issues({ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } })).toEqual([]);
    expect(issues({ type: 'memory', metadata: { value: '80' } })).not.toEqual([]);
    expect(issues({ type: 'memory', metricType: 'Value', metadata: { value: '80' } })).not.toEqual([]);
  });

  it('checks cron windows: IANA time zone, five fields, start differs from end', () => {
    const cron = { type: 'cron', name: 'window_business', metadata: { timezone: 'America/New_York', start: '0 9 * * 1-5', end: '0 18 * * 1-5', desiredReplicas: '3' } };
    expect(issues(cron)).toEqual([]);
    expect(issues({ ...cron, metadata: { ...cron.metadata, timezone: 'Eastern Time' } })).not.toEqual([]);
    expect(issues({ ...cron, metadata: { ...cron.metadata, start: '0 9 * *' } })).not.toEqual([]);
    expect(issues({ ...cron, metadata: { ...cron.metadata, end: cron.metadata.start } })).not.toEqual([]);
    expect(issues({ ...cron, metadata: { ...cron.metadata, desiredReplica: '3' } })).not.toEqual([]);
  });

  it('checks redis-streams: an address and a consumer group for lag', () => {
    const redis = { type: 'redis-streams', name: 'lag', metadata: { address: 'redis:6380', stream: 's', consumerGroup: 'g', lagCount: '100', activationLagCount: '0', enableTLS: 'true' } };
    expect(issues(redis)).toEqual([]);
    const { consumerGroup: _g, ...noGroup } = redis.metadata;
    expect(issues({ ...redis, metadata: noGroup })).not.toEqual([]);
    const { address: _a, ...noAddress } = redis.metadata;
    expect(issues({ ...redis, metadata: noAddress })).not.toEqual([]);
    expect(issues({ ...redis, metadata: { ...redis.metadata, lagcount: '100' } })).not.toEqual([]);
  });

  it('rejects unknown trigger types and names a formula cannot reference', () => {
    expect(issues({ ...prometheus, type: 'prometheuss' })).not.toEqual([]);
    expect(issues({ ...prometheus, name: 'in-flight' })).not.toEqual([]);
  });
});
