import { readFileSync } from 'node:fs';
import { CapacityInputError } from './capacity-input-error.js';
import { HorizontalPodAutoscaler, type MetricInput, type PodSample } from './hpa.js';
import { PodSet } from './pods.js';
import { toMilli } from './quantity.js';
import { parseOrThrow, ScenarioSchema, type Scenario, type ScenarioInput, type ScenarioMetric } from './schemas.js';

/**
 * `--scenario file.json`: one HPA against synthetic load, for unit cases and the Kubernetes documentation examples.
 *
 * - `AverageValue` / `Value`: External metrics; `load` is the metric value (a total for AverageValue, which the HPA
 *   divides by the replica count; the raw value for Value, which the HPA multiplies by ready pods / target).
 * - `Utilization`: a Resource metric; `load` is the total usage (cores for cpu, GiB for memory) spread evenly over the
 *   Ready pods; a pod that is still starting reports 0 and, for cpu, is set aside as not-yet-ready.
 * - Pods created by a scale-up become Ready `podStartupSeconds` later; the HPA syncs every `syncPeriodSeconds` (15).
 *
 * Output: `{ "timeline": [ { "t", "replicas", "desired" } ] }` — `replicas` is `spec.replicas` after the step,
 * `desired` the controller's raw recommendation (max over metrics, before stabilization, policies and bounds).
 */

export interface TimelinePoint {
  readonly t: number;
  readonly replicas: number;
  readonly desired: number;
}

export interface ScenarioResult {
  readonly timeline: TimelinePoint[];
}

/** Piecewise-constant lookup: the value of the last point at or before `t` (0 before the first). */
export function loadAt(load: readonly (readonly [number, number])[], t: number): number {
  let value = 0;
  for (const [at, v] of load) {
    if (at <= t) value = v;
    else break;
  }
  return value;
}

function metricInput(m: ScenarioMetric, index: number, t: number, readiness: readonly boolean[]): MetricInput {
  const name = m.name ?? `${m.type}-${index}`;
  const load = loadAt(m.load, t);
  if (m.type === 'AverageValue' || m.type === 'Value') {
    return { type: 'External', name, targetType: m.type, targetMilli: toMilli(m.target), valueMilli: toMilli(load) };
  }
  const ready = readiness.filter(Boolean).length;
  const unit = m.resource === 'memory' ? 2 ** 30 : 1;
  const perReadyPod = ready > 0 ? (load * unit) / ready : 0;
  const pods: PodSample[] = readiness.map((isReady) => ({
    phase: 'Running',
    ready: isReady,
    requestMilli: toMilli(m.requestPerPod * unit),
    usageMilli: toMilli(isReady ? perReadyPod : 0),
  }));
  return { type: 'Resource', name, resource: m.resource, targetType: 'Utilization', target: m.target, pods };
}

export function simulateScenario(input: ScenarioInput | Scenario): ScenarioResult {
  const s = parseOrThrow(ScenarioSchema, input, 'scenario');
  const hpa = new HorizontalPodAutoscaler(
    { minReplicas: s.hpa.minReplicas, maxReplicas: s.hpa.maxReplicas, ...(s.hpa.behavior ? { behavior: s.hpa.behavior } : {}) },
    { tolerance: s.hpa.tolerance },
  );
  const pods = new PodSet(s.initialReplicas, 0);
  let spec = s.initialReplicas;
  let desired = s.initialReplicas;
  let lastSyncPeriod = -1;
  const timeline: TimelinePoint[] = [];
  const steps = Math.floor(s.durationSeconds / s.stepSeconds);
  if (steps > 2_000_000) throw new CapacityInputError('scenario: more than 2,000,000 steps; raise stepSeconds');
  for (let i = 0; i <= steps; i++) {
    const t = i * s.stepSeconds;
    const period = Math.floor(t / s.syncPeriodSeconds);
    if (period > lastSyncPeriod) {
      lastSyncPeriod = period;
      const readiness = pods.readiness(t);
      const result = hpa.reconcile(t, {
        currentReplicas: spec,
        statusReplicas: pods.count,
        readyPods: readiness.filter(Boolean).length,
        metrics: s.metrics.map((m, index) => metricInput(m, index, t, readiness)),
      });
      if (result.computed) desired = result.desired;
      spec = result.replicas;
      pods.scaleTo(spec, t, s.podStartupSeconds);
    }
    timeline.push({ t, replicas: spec, desired });
  }
  return { timeline };
}

export function readScenarioFile(path: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CapacityInputError(`--scenario ${path}: cannot read JSON (${(cause as Error).message})`, { cause });
  }
  return parseOrThrow(ScenarioSchema, raw, `--scenario ${path}`);
}
