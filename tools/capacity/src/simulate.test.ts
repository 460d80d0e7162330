import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readManifests, servicesFromYaml, type ManifestService } from './manifests.js';
import { weeklyProfile, type TrafficProfile } from './profiles.js';
import { addMoments, lognormalMoments, p95FromMoments, withProbability } from './queueing.js';
import { simulateProfile, type CapacityReport, type ServiceReport } from './simulate.js';
import { DEFAULT_SERVICE_MODELS, TRAFFIC_MIX } from './workload.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Snapshot of infra's prod output (see fixtures/README.md). */
const fixture = join(root, 'fixtures', 'prod');
const infraDist = join(root, '..', '..', 'infra', 'dist', 'prod');

/** Monday and Tuesday of the weekly profile (New York), for speed. */
function twoWeekdays(): TrafficProfile {
  return { ...weeklyProfile(), durationSeconds: 2 * 86_400 };
}

const service = (r: CapacityReport, name: string): ServiceReport => {
  const s = r.services.find((x) => x.name === name);
  if (!s) throw new Error(`no ${name}`);
  return s;
};

/** spec.replicas at New York wall-clock hour `h` (fractional) of the first day, from the 60 s timeline. */
const replicasAt = (r: CapacityReport, name: string, hour: number): number => r.timeline.services[name].replicas[Math.round((hour * 3600) / r.timeline.resolutionSeconds)];

describe('simulating the synthesized prod ScaledObjects (fixture) against two weekdays of the weekly profile', () => {
  let services: ManifestService[];
  let report: CapacityReport;
  beforeAll(() => {
    services = readManifests(fixture);
    report = simulateProfile({ services, profile: twoWeekdays(), resolutionSeconds: 60, manifestsLabel: fixture });
  });

  it('reads every service with its Deployment requests', () => {
    expect(services.map((s) => s.name).sort()).toEqual(Object.keys(DEFAULT_SERVICE_MODELS).sort());
    expect(services.find((s) => s.name === 'gateway')).toMatchObject({ cpuRequestCores: 0.5, memoryRequestBytes: 2 ** 30, cpuLimitCores: 1 });
  });

  it('pins response-generator to each window cap, because pods × p95 (1.8 s) ≥ the cap: 1 at night, 2 mornings, 3 in business hours, 2 evenings', () => {
    // composite = min(max(inflight / 10, pods × p95 / 1), max(1, window_*)); p95 is the seed's LLM p95 (1.8 s) with
    // no queueing at ≤ 3 rps on 50 slots per pod, so 1 pod asks for ceil(1.8) = 2 and more until the cap.
    expect(replicasAt(report, 'response-generator', 4)).toBe(1);
    expect(replicasAt(report, 'response-generator', 5.9)).toBe(1);
    expect(replicasAt(report, 'response-generator', 6.5)).toBe(2);
    expect(replicasAt(report, 'response-generator', 12)).toBe(3);
    expect(replicasAt(report, 'response-generator', 19)).toBe(2);
    expect(replicasAt(report, 'response-generator', 23)).toBe(1);
    // Hand count per weekday: 6 h × 1 + 3 h × 2 + 9 h × 3 + 4 h × 2 + 2 h × 1 = 49 replica-hours, plus the
    // scale-up (60 s stabilization) and scale-down (300 s stabilization, −1 pod per minute) lags.
    const rg = service(report, 'response-generator');
    expect(rg.replicaHours).toBeGreaterThan(98);
    expect(rg.replicaHours).toBeLessThan(100.5);
    expect(rg.peakReplicas).toBe(3);
  });

  it('keeps knowledge-retrieval at one replica: pods × p95 (0.3 s) and in-flight / 10 stay below 1', () => {
    const kr = service(report, 'knowledge-retrieval');
    expect(kr.peakReplicas).toBe(1);
    expect(kr.replicaHours).toBeCloseTo(48, 6);
    // One always-on 0.5 vCPU / 1 GiB replica: $39.42 a month plus its requests at $0.40 per million.
    const requestsPerMonth = report.cost.services.find((c) => c.service === 'knowledge-retrieval')?.requestsPerMonth ?? Number.NaN;
    expect(kr.monthlyCostUsd).toBeCloseTo(39.42 + (requestsPerMonth / 1e6) * 0.4, 2);
  });

  it('ratchets the gateway to maxReplicaCount: a Value p95 trigger asks for ceil(ready × p95 / 1 s) and the latency does not fall with gateway pods', () => {
    const gw = service(report, 'gateway');
    expect(gw.peakReplicas).toBe(20);
    expect(gw.atMaxFraction).toBeGreaterThan(0.95);
    expect(Object.keys(gw.drivers)).toEqual(['p95']);
  });

  it('estimates the end-to-end turn p95 from the hops as composed by hand', () => {
    const m = (name: string) => lognormalMoments(DEFAULT_SERVICE_MODELS[name].serviceTime);
    const before = addMoments(m('gateway'), m('intent-classifier'), m('knowledge-retrieval'), m('escalation'));
    const turn = withProbability(before, addMoments(m('response-generator'), m('critic')), 1 - TRAFFIC_MIX.escalationRate);
    const expected = p95FromMoments(turn) * 1000;
    const ratio = (report.endToEnd.p95Ms ?? Number.NaN) / expected;
    expect(ratio).toBeGreaterThan(0.99);
    expect(ratio).toBeLessThan(1.02);
    expect(report.verdict.slo.holds).toBe(false);
    expect(report.verdict.line).toMatch(/^verdict: budget (HOLDS|EXCEEDED) \(\$\d+\/month vs \$310–360\); SLO p95 < 2 s BROKEN/);
  });

  it('charges the monthly total as the sum of the services minus the free grant', () => {
    const sum = report.services.reduce((s, x) => s + x.monthlyCostUsd, 0);
    expect(report.cost.grossMonthlyUsd).toBeCloseTo(sum, 6);
    expect(report.cost.netMonthlyUsd).toBeCloseTo(sum - report.cost.freeGrantUsd, 6);
    expect(report.timeline.costUsd.at(-1)).toBeGreaterThan(0);
  });
});

describe('manifest input errors', () => {
  const deployment = (requests: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: svc }
spec:
  template:
    spec:
      containers:
        - name: svc
          resources: { requests: ${requests} }
`;
  const scaled = (trigger: string) => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: { name: svc }
spec:
  scaleTargetRef: { name: svc }
  triggers:
    - ${trigger}
`;

  it('needs the pods requests and the scaled Deployment', () => {
    expect(() => servicesFromYaml(`${deployment('{ cpu: 500m }')}---\n${scaled('{ type: cpu, metricType: Utilization, metadata: { value: "70" } }')}`)).toThrow(
      /requests.cpu and .memory are required/,
    );
    expect(() => servicesFromYaml(scaled('{ type: cpu, metricType: Utilization, metadata: { value: "70" } }'))).toThrow(/which is not in the manifests/);
    expect(() => servicesFromYaml('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n')).toThrow(/no KEDA ScaledObject/);
  });

  it('names the scaler it cannot simulate when the simulation starts', () => {
    const services = servicesFromYaml(`${deployment('{ cpu: 250m, memory: 256Mi }')}---\n${scaled('{ type: kafka, metadata: { topic: t } }')}`);
    expect(services[0].cpuRequestCores).toBe(0.25);
    expect(() => simulateProfile({ services, profile: { ...twoWeekdays(), durationSeconds: 600 } })).toThrow(/does not model the "kafka" scaler/);
  });
});

describe.skipIf(!existsSync(infraDist))('the manifests in infra/dist/prod', () => {
  it('simulate for a day with a verdict for every service', () => {
    const services = readManifests(infraDist);
    const report = simulateProfile({ services, profile: { ...weeklyProfile(), durationSeconds: 86_400 }, manifestsLabel: infraDist });
    expect(report.services.length).toBe(services.length);
    expect(report.verdict.line).toMatch(/^verdict: budget/);
  });
});
