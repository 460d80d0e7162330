import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { externalMetricReplicas, HorizontalPodAutoscaler, resourceMetricReplicas, type PodSample } from './hpa.js';
import { readScenarioFile, simulateScenario, type TimelinePoint } from './scenario.js';

const scenarios = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');
const run = (file: string): TimelinePoint[] => simulateScenario(readScenarioFile(join(scenarios, file))).timeline;
const at = (timeline: readonly TimelinePoint[], t: number): TimelinePoint => {
  const p = timeline.find((x) => x.t === t);
  if (!p) throw new Error(`no point at t=${t}`);
  return p;
};
/** Replica count at each whole minute. */
const perMinute = (timeline: readonly TimelinePoint[]): number[] => timeline.filter((p) => p.t % 60 === 0).map((p) => p.replicas);
const tol = { up: 0.1, down: 0.1 };

describe('Kubernetes docs: scaling policies (80 replicas, Pods 4 and Percent 10 per 60 s)', () => {
  it('removes max(4, 10 % of current) each minute, rounding the Percent policy to whole pods: 80 → 72 → 64 → 57 … → 10', () => {
    const timeline = run('k8s-docs-scale-down-policies.json');
    // The doc: first step removes 8 (10 % of 80); at 72, "10 % is 7.2 but the number is rounded up to 8" → 64;
    // below 40 the Pods policy (4) allows the larger change.
    expect(perMinute(timeline).slice(0, 15)).toEqual([72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16, 12, 10, 10]);
    // Between the minute marks the period's budget is used up: no further change.
    expect(at(timeline, 15).replicas).toBe(72);
    expect(at(timeline, 45).replicas).toBe(72);
    expect(at(timeline, 0).desired).toBe(10);
  });

  it('waits out the default 300 s scale-down stabilization window when the policies come without one', () => {
    const timeline = run('k8s-docs-scale-down-policies-default-window.json');
    expect(at(timeline, 285).replicas).toBe(80);
    expect(at(timeline, 300).replicas).toBe(72);
    expect(at(timeline, 360).replicas).toBe(64);
    expect(at(timeline, 1080).replicas).toBe(10);
  });
});

describe('Kubernetes docs: default behavior', () => {
  it('scales up by max(100 %, 4 pods) every 15 s and down to the target in one step after the 300 s window', () => {
    const timeline = run('default-behavior.json');
    expect(timeline.slice(0, 7).map((p) => p.replicas)).toEqual([5, 10, 20, 40, 80, 100, 100]);
    // Load drops at t=120; the highest recommendation (100, recorded at t=105) leaves the window after 300 s.
    expect(at(timeline, 390).replicas).toBe(100);
    expect(at(timeline, 405).replicas).toBe(10);
  });

  it('uses the controller legacy path without any behavior: scale-up capped at max(2 × current, 4) per sync', () => {
    const timeline = run('no-behavior-legacy.json');
    expect(timeline.slice(0, 7).map((p) => p.replicas)).toEqual([4, 8, 16, 32, 64, 100, 100]);
    // The legacy stabilization keeps samples exactly 300 s old, so the scale-down lands one sync later.
    expect(at(timeline, 405).replicas).toBe(100);
    expect(at(timeline, 420).replicas).toBe(10);
  });

  it('fills a missing scaleUp with the documented defaults when only scaleDown is given', () => {
    const { timeline } = simulateScenario({
      stepSeconds: 15,
      durationSeconds: 60,
      initialReplicas: 2,
      hpa: { maxReplicas: 100, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
      metrics: [{ type: 'AverageValue', target: 1, load: [[0, 50]] }],
    });
    // Pods 4 per 15 s beats Percent 100 at 2 replicas: 2 → 6 → 12 → 24.
    expect(timeline.slice(0, 4).map((p) => p.replicas)).toEqual([6, 12, 24, 48]);
  });
});

describe('stabilization window', () => {
  it('ignores a 2-minute dip inside the 300 s scale-down window', () => {
    const timeline = run('stabilization-dip.json');
    expect(timeline.every((p) => p.replicas === 50)).toBe(true);
    // The dip was seen: the raw recommendation fell to 10.
    expect(at(timeline, 615).desired).toBe(10);
  });

  it('follows a dip that outlasts the window, 300 s after the last high recommendation', () => {
    const { timeline } = simulateScenario({
      stepSeconds: 15,
      durationSeconds: 1500,
      initialReplicas: 50,
      hpa: { maxReplicas: 100, behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } },
      metrics: [{ type: 'AverageValue', target: 1, load: [[0, 50], [600, 10], [1200, 50]] }],
    });
    // The last recommendation of 50 was at t=585; it leaves the window (strictly older than 300 s) at t=885.
    expect(at(timeline, 870).replicas).toBe(50);
    expect(at(timeline, 885).replicas).toBe(10);
  });

  it('takes the lowest recommendation of the scale-up window before growing', () => {
    const { timeline } = simulateScenario({
      stepSeconds: 15,
      durationSeconds: 120,
      initialReplicas: 2,
      hpa: { maxReplicas: 100, behavior: { scaleUp: { stabilizationWindowSeconds: 60 } } },
      metrics: [{ type: 'AverageValue', target: 1, load: [[0, 10]] }],
    });
    // The initial recommendation (2, at t=0) holds the count until it leaves the 60 s window.
    expect(at(timeline, 45).replicas).toBe(2);
    expect(at(timeline, 60).replicas).toBe(6);
  });
});

describe('tolerance', () => {
  it('changes nothing for a 5 % deviation either way and scales for 12 %', () => {
    const timeline = run('tolerance.json');
    expect(at(timeline, 0).replicas).toBe(50);
    expect(at(timeline, 135).replicas).toBe(50);
    expect(at(timeline, 240).replicas).toBe(56);
  });

  it('applies to Value and Utilization metrics too', () => {
    expect(externalMetricReplicas({ type: 'External', targetType: 'Value', targetMilli: 1000, valueMilli: 1050 }, 10, 10, 10, tol).replicas).toBe(10);
    expect(externalMetricReplicas({ type: 'External', targetType: 'Value', targetMilli: 1000, valueMilli: 1200 }, 10, 10, 10, tol).replicas).toBe(12);
    const pods = (usage: number): PodSample[] => Array.from({ length: 4 }, () => ({ phase: 'Running', ready: true, requestMilli: 1000, usageMilli: usage }));
    expect(resourceMetricReplicas({ type: 'Resource', resource: 'cpu', targetType: 'Utilization', target: 70, pods: pods(735) }, 4, tol).replicas).toBe(4);
    expect(resourceMetricReplicas({ type: 'Resource', resource: 'cpu', targetType: 'Utilization', target: 70, pods: pods(900) }, 4, tol).replicas).toBe(6);
  });

  it('honours a per-direction tolerance from behavior', () => {
    const hpa = new HorizontalPodAutoscaler({ maxReplicas: 100, behavior: { scaleUp: { tolerance: 0 } } });
    const r = hpa.reconcile(0, { currentReplicas: 50, metrics: [{ type: 'External', targetType: 'AverageValue', targetMilli: 1000, valueMilli: 51_000 }] });
    expect(r.replicas).toBe(51);
  });
});

describe('selectPolicy', () => {
  it('Disabled on scaleDown keeps the replicas when the load falls', () => {
    const timeline = run('select-policy-disabled.json');
    expect(at(timeline, 15).replicas).toBe(30);
    expect(timeline[timeline.length - 1]?.replicas).toBe(30);
    expect(timeline[timeline.length - 1]?.desired).toBe(2);
  });

  it('Disabled on scaleUp keeps the replicas when the load rises', () => {
    const { timeline } = simulateScenario({
      stepSeconds: 15,
      durationSeconds: 300,
      initialReplicas: 3,
      hpa: { maxReplicas: 100, behavior: { scaleUp: { selectPolicy: 'Disabled' } } },
      metrics: [{ type: 'AverageValue', target: 1, load: [[0, 40]] }],
    });
    expect(timeline.every((p) => p.replicas === 3)).toBe(true);
  });

  it('Min picks the policy allowing the smaller change', () => {
    const { timeline } = simulateScenario({
      stepSeconds: 15,
      durationSeconds: 120,
      initialReplicas: 80,
      hpa: {
        maxReplicas: 100,
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Min',
            policies: [
              { type: 'Percent', value: 10, periodSeconds: 60 },
              { type: 'Pods', value: 5, periodSeconds: 60 },
            ],
          },
        },
      },
      metrics: [{ type: 'AverageValue', target: 1, load: [[0, 10]] }],
    });
    expect(perMinute(timeline)).toEqual([75, 70, 65]);
  });
});

describe('pod start-up delay and not-yet-ready pods', () => {
  it('does not over-scale on CPU while new pods start: unready pods count as 0 on a scale-up', () => {
    const timeline = run('pod-startup-cpu.json');
    // 2 pods at 150 % of a 1-core request, target 50 % → 6 pods; the legacy limit allows 4 first, then 6.
    expect(timeline.slice(0, 3).map((p) => p.replicas)).toEqual([4, 6, 6]);
    // Ready pods keep reporting 150 % for 90 s; a naive average would ask for ceil(3 × 6) = 18.
    expect(Math.max(...timeline.map((p) => p.replicas))).toBe(6);
    expect(timeline[timeline.length - 1]?.replicas).toBe(6);
  });

  it('scales Value metrics on Ready pods only, so growth waits for the start-up delay', () => {
    const delayed = run('pod-startup-value.json');
    expect(delayed.filter((p) => p.t <= 60).map((p) => p.replicas)).toEqual([4, 4, 4, 4, 8]);
    const immediate = simulateScenario({ ...readScenarioFile(join(scenarios, 'pod-startup-value.json')), podStartupSeconds: 0 }).timeline;
    expect(immediate.slice(0, 3).map((p) => p.replicas)).toEqual([4, 8, 16]);
  });

  it('treats pods without metrics as using 100 % of their request on a scale-down (dampened)', () => {
    const pods: PodSample[] = [
      { phase: 'Running', ready: true, requestMilli: 1000, usageMilli: 100 },
      { phase: 'Running', ready: true, requestMilli: 1000, usageMilli: 100 },
      { phase: 'Running', ready: true, requestMilli: 1000, usageMilli: 100 },
      { phase: 'Running', ready: true, requestMilli: 1000 },
    ];
    // Without the missing pod: 10 % of target 50 → ceil(0.2 × 3) = 1. With it at 100 %: 32 % → ceil(0.64 × 4) = 3.
    expect(resourceMetricReplicas({ type: 'Resource', resource: 'cpu', targetType: 'Utilization', target: 50, pods }, 4, tol).replicas).toBe(3);
  });

  it('keeps the count when missing pods at 0 % flip a scale-up into a scale-down', () => {
    const pods: PodSample[] = [
      { phase: 'Running', ready: true, requestMilli: 1000, usageMilli: 900 },
      { phase: 'Running', ready: true, requestMilli: 1000, usageMilli: 900 },
      { phase: 'Running', ready: true, requestMilli: 1000 },
      { phase: 'Running', ready: true, requestMilli: 1000 },
    ];
    const r = resourceMetricReplicas({ type: 'Resource', resource: 'cpu', targetType: 'Utilization', target: 50, pods }, 4, tol);
    expect(r.usageRatio).toBeCloseTo(1.8);
    expect(r.replicas).toBe(4);
  });

  it('ignores Pending pods and fails the metric when no pod reports', () => {
    const pending: PodSample[] = [{ phase: 'Pending', ready: false, requestMilli: 1000, usageMilli: 0 }];
    const r = resourceMetricReplicas({ type: 'Resource', resource: 'memory', targetType: 'Utilization', target: 80, pods: pending }, 1, tol);
    expect(r.replicas).toBeUndefined();
  });
});

describe('controller rules', () => {
  it('takes the largest proposal over all metrics', () => {
    const hpa = new HorizontalPodAutoscaler({ maxReplicas: 100, behavior: {} });
    const r = hpa.reconcile(0, {
      currentReplicas: 4,
      metrics: [
        { type: 'External', name: 'queue', targetType: 'AverageValue', targetMilli: 10_000, valueMilli: 20_000 },
        { type: 'External', name: 'latency', targetType: 'Value', targetMilli: 1000, valueMilli: 2000 },
      ],
    });
    expect(r.proposals.map((p) => p.replicas)).toEqual([2, 8]);
    expect(r.replicas).toBe(8);
  });

  it('skips a scale-down while a metric is unavailable but still scales up', () => {
    const hpa = new HorizontalPodAutoscaler({ maxReplicas: 100, behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } });
    const down = hpa.reconcile(0, {
      currentReplicas: 10,
      metrics: [
        { type: 'External', targetType: 'AverageValue', targetMilli: 1000, valueMilli: 2000 },
        { type: 'External', targetType: 'AverageValue', targetMilli: 1000, valueMilli: undefined },
      ],
    });
    expect(down.replicas).toBe(10);
    const up = hpa.reconcile(15, {
      currentReplicas: 10,
      metrics: [
        { type: 'External', targetType: 'AverageValue', targetMilli: 1000, valueMilli: 14_000 },
        { type: 'External', targetType: 'AverageValue', targetMilli: 1000, valueMilli: undefined },
      ],
    });
    expect(up.replicas).toBe(14);
  });

  it('clamps to min and max and does nothing at zero replicas', () => {
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 2, maxReplicas: 5, behavior: {} });
    expect(hpa.reconcile(0, { currentReplicas: 9, metrics: [] }).replicas).toBe(5);
    expect(hpa.reconcile(15, { currentReplicas: 1, metrics: [] }).replicas).toBe(2);
    expect(hpa.reconcile(30, { currentReplicas: 0, metrics: [] }).computed).toBe(false);
    const up = hpa.reconcile(45, { currentReplicas: 4, metrics: [{ type: 'External', targetType: 'AverageValue', targetMilli: 1000, valueMilli: 50_000 }] });
    expect(up.replicas).toBe(5);
  });
});
