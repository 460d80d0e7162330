import { describe, expect, it } from 'vitest';
import { ScaledTarget } from './control.js';
import { KedaScaledObject, kedaScaleDecision, latencyQuantile, prometheusSignal, type ServiceSignals } from './keda.js';
import { ScaledObjectSchema, type ScaledObject } from './schemas.js';

const scaledObject = (spec: Record<string, unknown>, name = 'svc'): ScaledObject =>
  ScaledObjectSchema.parse({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name }, spec: { scaleTargetRef: { name }, ...spec } });

const quiet = (over: Partial<ServiceSignals> = {}): ServiceSignals => ({
  pods: 1,
  inFlight: 0,
  requestRate: 0,
  latency: null,
  activeStreams: 0,
  streams: {},
  cpuPods: [],
  memoryPods: [],
  ...over,
});

const epoch = (iso: string): number => Date.parse(iso) / 1000;

describe('KEDA cron floor', () => {
  it('holds desiredReplicas from 09:00 to 18:00 New York time on both sides of a DST change', () => {
    const from = epoch('2025-03-07T00:00:00Z'); // Friday, EST
    const hours = 4 * 24; // to Tuesday, EDT
    const keda = new KedaScaledObject(
      scaledObject({
        minReplicaCount: 1,
        maxReplicaCount: 10,
        pollingInterval: 15,
        triggers: [{ type: 'cron', name: 'business', metadata: { timezone: 'America/New_York', start: '0 9 * * 1-5', end: '0 18 * * 1-5', desiredReplicas: '4' } }],
      }),
      { fromEpoch: from, toEpoch: from + hours * 3600 },
    );
    const target = new ScaledTarget(keda, 0);
    const replicasAt = new Map<string, number>();
    for (let t = 0; t <= hours * 3600; t += 15) {
      const step = target.step(t, from + t, quiet({ pods: target.pods.count }));
      replicasAt.set(new Date((from + t) * 1000).toISOString().slice(0, 16), step.replicas);
    }
    expect(replicasAt.get('2025-03-07T13:55')).toBe(1); // 08:55 EST
    expect(replicasAt.get('2025-03-07T14:00')).toBe(4); // 09:00 EST: no behavior → legacy limit max(2×1, 4) = 4 in one sync
    expect(replicasAt.get('2025-03-07T22:55')).toBe(4);
    // After 18:00 the floor goes; the 5-minute downscale stabilization keeps 4 until 18:05.
    expect(replicasAt.get('2025-03-07T23:04')).toBe(4);
    expect(replicasAt.get('2025-03-07T23:06')).toBe(1);
    expect(replicasAt.get('2025-03-08T15:00')).toBe(1); // Saturday
    expect(replicasAt.get('2025-03-10T12:55')).toBe(1); // Monday 08:55 EDT
    expect(replicasAt.get('2025-03-10T13:00')).toBe(4); // Monday 09:00 EDT
  });
});

describe('KEDA activation and scale to zero', () => {
  const lagObject = () =>
    new KedaScaledObject(
      scaledObject({
        minReplicaCount: 0,
        maxReplicaCount: 10,
        pollingInterval: 15,
        cooldownPeriod: 120,
        advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } } },
        triggers: [
          {
            type: 'redis-streams',
            name: 'lag',
            metadata: { address: 'redis:6379', stream: 'jobs', consumerGroup: 'workers', lagCount: '10', activationLagCount: '5' },
          },
        ],
      }),
      { fromEpoch: 0, toEpoch: 2000 },
    );
  const lagAt = (t: number): number => (t < 300 ? 30 : t < 600 ? 3 : t < 900 ? 4 : 8);

  it('activates above activationLagCount, scales to zero cooldownPeriod after the last active poll, and wakes only above the activation value', () => {
    const target = new ScaledTarget(lagObject(), 0);
    const replicas = new Map<number, number>();
    for (let t = 0; t <= 1200; t += 15) {
      const lag = lagAt(t);
      replicas.set(t, target.step(t, t, quiet({ pods: target.pods.count, streams: { jobs: { lag, pending: 0, length: lag } } })).replicas);
    }
    // t=0: lag 30 > 5 → KEDA activates to 1, the HPA takes it to ceil(30 / 10) = 3.
    expect(replicas.get(0)).toBe(3);
    // t=300: lag 3 → the HPA scales to its minimum of 1; KEDA's last active poll was t=285.
    expect(replicas.get(300)).toBe(1);
    // 285 + 120 = 405 is not before 405; the first poll after it scales to zero.
    expect(replicas.get(405)).toBe(1);
    expect(replicas.get(420)).toBe(0);
    // Lag 4 is not above activationLagCount 5: stays at zero.
    expect(replicas.get(885)).toBe(0);
    // Lag 8 > 5: activated at the next poll.
    expect(replicas.get(900)).toBe(1);
    expect(replicas.get(1200)).toBe(1);
  });

  it('never scales below minReplicaCount ≥ 1, whatever the activity', () => {
    const decision = kedaScaleDecision({ minReplicaCount: 1, cooldownPeriod: 0, initialCooldownPeriod: 0, idleReplicaCount: undefined }, { now: 1000, currentReplicas: 1, active: false, lastActiveTime: 0, createdAt: 0 });
    expect(decision.replicas).toBe(1);
    const idle = kedaScaleDecision({ minReplicaCount: 2, cooldownPeriod: 60, initialCooldownPeriod: 0, idleReplicaCount: 0 }, { now: 1000, currentReplicas: 2, active: false, lastActiveTime: 0, createdAt: 0 });
    expect(idle.replicas).toBe(0);
  });
});

describe('KEDA metrics for the HPA', () => {
  const ctx = { fromEpoch: epoch('2025-06-02T00:00:00Z'), toEpoch: epoch('2025-06-03T00:00:00Z') };
  const withModifiers = () =>
    new KedaScaledObject(
      scaledObject({
        minReplicaCount: 1,
        maxReplicaCount: 5,
        advanced: { scalingModifiers: { formula: 'min(inflight / 10, window)', target: '1', activationTarget: '0.5' } },
        triggers: [
          { type: 'prometheus', name: 'inflight', metricType: 'AverageValue', metadata: { serverAddress: 'http://p:9090', query: 'sum(http_server_requests_in_flight)', threshold: '10' } },
          { type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
          { type: 'cron', name: 'window', metadata: { timezone: 'America/New_York', start: '0 9 * * *', end: '0 17 * * *', desiredReplicas: '3' } },
        ],
      }),
      ctx,
    );

  it('replaces the External metrics by one composite metric, keeps cpu, and judges activity on the composite', () => {
    const keda = withModifiers();
    const noon = epoch('2025-06-02T16:00:00Z'); // 12:00 EDT, window open
    const busy = keda.evaluate(quiet({ inFlight: 47 }), noon);
    expect(busy.values).toEqual({ inflight: 47, window: 3 });
    expect(busy.composite).toBe(3);
    expect(busy.metrics.map((m) => (m.type === 'External' ? m.name : m.resource))).toEqual(['cpu', 'composite-metric']);
    const night = keda.evaluate(quiet({ inFlight: 47 }), epoch('2025-06-02T05:00:00Z'));
    expect(night.composite).toBe(1);
    const idle = keda.evaluate(quiet({ inFlight: 3 }), noon);
    expect(idle.composite).toBeCloseTo(0.3);
    expect(idle.active).toBe(false);
  });

  it('passes each trigger as its own External metric without modifiers, Value and AverageValue as configured', () => {
    const keda = new KedaScaledObject(
      scaledObject({
        minReplicaCount: 1,
        triggers: [
          { type: 'prometheus', name: 'p95', metricType: 'Value', metadata: { serverAddress: 'http://p:9090', query: 'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket[2m])))', threshold: '1', ignoreNullValues: 'true' } },
          { type: 'kubernetes-workload', name: 'pods', metadata: { podSelector: 'app=x', value: '2' } },
        ],
      }),
      ctx,
    );
    const e = keda.evaluate(quiet({ pods: 4, requestRate: 0 }), ctx.fromEpoch);
    // No traffic: the quantile is NaN → ignoreNullValues → 0.
    expect(e.values).toEqual({ p95: 0, pods: 4 });
    expect(e.metrics).toEqual([
      { type: 'External', name: 'p95', targetType: 'Value', targetMilli: 1000, valueMilli: 0 },
      { type: 'External', name: 'pods', targetType: 'AverageValue', targetMilli: 2000, valueMilli: 4000 },
    ]);
    expect(keda.hpaSpec()).toEqual({ minReplicas: 1, maxReplicas: 100 });
  });

  it('maps the infra queries onto signals and rejects queries it cannot simulate', () => {
    const latency = { mean: 1, variance: 0.25 };
    const p95 = prometheusSignal('histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{service="x"}[2m])))', 't');
    expect(p95(quiet({ latency, requestRate: 2 }))).toBeCloseTo(latencyQuantile(latency, 0.95));
    expect(prometheusSignal('sum(speech_active_streams{service="s"})', 't')(quiet({ activeStreams: 7 }))).toBe(7);
    expect(() => prometheusSignal('sum(node_load1)', 'trigger x')).toThrow(/cannot simulate prometheus query/);
  });

  it('rejects formulas that name unknown or resource triggers', () => {
    const bad = (formula: string) => () =>
      new KedaScaledObject(
        scaledObject({
          advanced: { scalingModifiers: { formula, target: '1' } },
          triggers: [
            { type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
            { type: 'kubernetes-workload', name: 'pods', metadata: { podSelector: 'a=b', value: '1' } },
          ],
        }),
        ctx,
      );
    expect(bad('pods + ghost')).toThrow(/"ghost", which is no trigger's name/);
    expect(bad('pods + cpu')).toThrow(/cannot use the cpu trigger/);
  });
});
