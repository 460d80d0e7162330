import type { IAdvancedConfig } from '@kubernetes-models/keda/keda.sh/v1alpha1/AdvancedConfig';
import type { IScaledObjectSpec } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObjectSpec';
import type { IIoK8sApiAutoscalingV2HorizontalPodAutoscalerBehavior as HpaBehavior } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscalerBehavior';
import type { EnvironmentConfig, ReplicaBounds, Schedule, ScheduleWindow, ScalingSignal, ServiceSpec } from '../catalogue.js';
import { METRICS, PROBE_ROUTES } from '../metrics.js';
import { names } from '../names.js';
import type { KedaTrigger } from './trigger-schemas.js';


/** HPA behaviour shared by every ScaledObject (the seed's 5-minute cool-down is the scale-down window). */
export const HPA_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 60,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 60 },
      { type: 'Pods', value: 5, periodSeconds: 60 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 10, periodSeconds: 60 },
      { type: 'Pods', value: 2, periodSeconds: 60 },
    ],
  },
};

export const POLLING_INTERVAL_SECONDS = 15;
export const FALLBACK_FAILURE_THRESHOLD = 3;
/** Target of the composite metric: the formula's value is a replica count. */
export const COMPOSITE_TARGET = '1';

/** Trigger names (also the identifiers the scalingModifiers formula uses). */
export const TRIGGER_NAMES = {
  'in-flight': 'inflight',
  'latency-p95': 'p95',
  cpu: 'cpu',
  memory: 'memory',
  'stream-lag': 'lag',
  'active-streams': 'streams',
} as const;

const scope = (env: EnvironmentConfig, spec: ServiceSpec) => `namespace="${env.namespace}",service="${spec.name}"`;

export function inFlightQuery(env: EnvironmentConfig, spec: ServiceSpec): string {
  return `sum(${METRICS.httpInFlight}{${scope(env, spec)}})`;
}

export function latencyP95Query(env: EnvironmentConfig, spec: ServiceSpec): string {
  return `histogram_quantile(0.95, sum by (le) (rate(${METRICS.httpDuration}_bucket{${scope(env, spec)},route!~"${PROBE_ROUTES.join('|')}"}[2m])))`;
}

export function activeStreamsQuery(env: EnvironmentConfig, spec: ServiceSpec): string {
  return `sum(${METRICS.speechActiveStreams}{${scope(env, spec)}})`;
}

function triggerFor(signal: ScalingSignal, env: EnvironmentConfig, spec: ServiceSpec): KedaTrigger {
  const prometheus = (query: string, threshold: number) => ({
    serverAddress: env.monitoring.prometheusUrl,
    query,
    threshold: String(threshold),
    // A lost target is an error (so `fallback` applies), not a silent zero.
    ignoreNullValues: 'false',
  });
  switch (signal.kind) {
    case 'in-flight':
      return { type: 'prometheus', name: TRIGGER_NAMES['in-flight'], metricType: 'AverageValue', metadata: prometheus(inFlightQuery(env, spec), signal.perPod) };
    case 'latency-p95':
      // AverageValue (KEDA's default): desired = ceil(p95 / threshold) — a bounded floor while latency is high.
      // Not `Value` (ceil(current × p95 / threshold)): when the latency comes from downstream LLM calls, more pods
      // never lower it, and `Value` would ratchet the service to its maximum (found by tools/capacity).
      // No traffic gives NaN → treated as 0 (ignoreNullValues).
      return {
        type: 'prometheus',
        name: TRIGGER_NAMES['latency-p95'],
        metricType: 'AverageValue',
        metadata: { ...prometheus(latencyP95Query(env, spec), signal.thresholdSeconds), ignoreNullValues: 'true' },
      };
    case 'active-streams':
      return { type: 'prometheus', name: TRIGGER_NAMES['active-streams'], metricType: 'AverageValue', metadata: prometheus(activeStreamsQuery(env, spec), signal.perPod) };
    case 'cpu':
      return { type: 'cpu', name: TRIGGER_NAMES.cpu, metricType: 'Utilization', metadata: { value: String(signal.utilization) } };
    case 'memory':
      return { type: 'memory', name: TRIGGER_NAMES.memory, metricType: 'Utilization', metadata: { value: String(signal.utilization) } };
    case 'stream-lag':
      return {
        type: 'redis-streams',
        name: TRIGGER_NAMES['stream-lag'],
        metricType: 'AverageValue',
        metadata: {
          address: `${env.redis.host}:${env.redis.port}`,
          enableTLS: String(env.redis.tls),
          stream: signal.stream,
          consumerGroup: signal.group,
          lagCount: String(signal.lagPerPod),
          activationLagCount: '0',
        },
        authenticationRef: { name: names.triggerAuthentication(spec.name) },
      };
  }
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function parseTime(t: string): { h: number; m: number } {
  const match = HHMM.exec(t);
  if (!match) throw new Error(`schedule time ${t} is not HH:MM`);
  return { h: Number(match[1]), m: Number(match[2]) };
}

function minutesOf(t: string): number {
  const { h, m } = parseTime(t);
  return h * 60 + m;
}

/** The cron `start`/`end` pair KEDA uses for a window. */
export function cronFor(w: ScheduleWindow): { start: string; end: string } {
  if (w.days === 'weekend') {
    if (w.start !== '00:00' || w.end !== '00:00') throw new Error(`weekend window ${w.name} must span the whole weekend (00:00–00:00)`);
    return { start: '0 0 * * 6', end: '0 0 * * 1' };
  }
  const s = parseTime(w.start);
  const e = parseTime(w.end);
  if (minutesOf(w.end) <= minutesOf(w.start)) throw new Error(`weekday window ${w.name} crosses midnight; only windows at the base cap may`);
  return { start: `${s.m} ${s.h} * * 1-5`, end: `${e.m} ${e.h} * * 1-5` };
}

/**
 * The cap that holds when no capped window's cron trigger is active: the smallest window maximum. KEDA reports an
 * inactive cron trigger as 1 (0 in some versions), so this base must be at least 1 for the formula to be exact.
 */
export function baseCap(schedule: Schedule): number {
  return Math.min(...schedule.windows.map((w) => w.max));
}

/** Windows that get a cron trigger: those allowing more than the base cap. */
export function cappedWindows(schedule: Schedule): readonly ScheduleWindow[] {
  const base = baseCap(schedule);
  return schedule.windows.filter((w) => w.max > base);
}

/** Checks a schedule is expressible with this translation against the service's bounds. */
export function assertScheduleFits(schedule: Schedule, bounds: ReplicaBounds, service: string): void {
  const base = baseCap(schedule);
  if (base < 1) throw new Error(`${service}: the smallest window maximum must be at least 1`);
  for (const w of schedule.windows) {
    if (w.min > bounds.min) throw new Error(`${service}: window ${w.name} minimum ${w.min} exceeds minReplicaCount ${bounds.min}; cron floors are not generated`);
    if (w.max > bounds.max) throw new Error(`${service}: window ${w.name} maximum ${w.max} exceeds maxReplicaCount ${bounds.max}`);
    if (w.min > w.max) throw new Error(`${service}: window ${w.name} has min > max`);
  }
  for (const w of cappedWindows(schedule)) cronFor(w);
}

const nest = (fn: 'max' | 'min', terms: readonly string[]): string =>
  terms.reduce((acc, t) => (acc === '' ? t : `${fn}(${acc}, ${t})`), '');

/** The demand term of one external signal, in replicas (mirrors the trigger's threshold semantics). */
function demandTerm(signal: ScalingSignal): string | undefined {
  switch (signal.kind) {
    case 'in-flight':
      return `${TRIGGER_NAMES['in-flight']} / ${signal.perPod}`;
    case 'latency-p95':
      return `${TRIGGER_NAMES['latency-p95']} / ${signal.thresholdSeconds}`;
    case 'stream-lag':
      return `${TRIGGER_NAMES['stream-lag']} / ${signal.lagPerPod}`;
    case 'active-streams':
      return `${TRIGGER_NAMES['active-streams']} / ${signal.perPod}`;
    case 'cpu':
    case 'memory':
      return undefined; // resource metrics stay with the HPA; KEDA keeps them out of the formula
  }
}

/** `min(demand, cap)`: the external demand in replicas, capped by the active window's maximum. */
export function scheduleFormula(signals: readonly ScalingSignal[], schedule: Schedule): string {
  const demand = nest('max', signals.map(demandTerm).filter((t): t is string => t !== undefined));
  const cap = nest('max', [String(baseCap(schedule)), ...cappedWindows(schedule).map((w) => `window_${w.name}`)]);
  return `min(${demand}, ${cap})`;
}

/** Everything under `spec` of the ScaledObject except `scaleTargetRef`. */
export function scaledObjectSpec(spec: ServiceSpec, env: EnvironmentConfig): Omit<IScaledObjectSpec, 'scaleTargetRef'> {
  const bounds = spec.replicas[env.name];
  const triggers: KedaTrigger[] = spec.scaling.map((s) => triggerFor(s, env, spec));
  const advanced: IAdvancedConfig = { horizontalPodAutoscalerConfig: { name: names.hpa(spec.name), behavior: structuredClone(HPA_BEHAVIOR) } };
  if (bounds.schedule) {
    assertScheduleFits(bounds.schedule, bounds, spec.name);
    for (const w of cappedWindows(bounds.schedule)) {
      triggers.push({
        type: 'cron',
        name: `window_${w.name}`,
        metricType: 'AverageValue',
        metadata: { timezone: bounds.schedule.timezone, ...cronFor(w), desiredReplicas: String(w.max) },
      });
    }
    advanced.scalingModifiers = {
      formula: scheduleFormula(spec.scaling, bounds.schedule),
      target: COMPOSITE_TARGET,
      metricType: 'AverageValue',
    };
  }
  return {
    pollingInterval: POLLING_INTERVAL_SECONDS,
    minReplicaCount: bounds.min,
    maxReplicaCount: bounds.max,
    // behavior is left at its default (static) so clusters on KEDA < 2.17, whose CRD lacks the field, accept it.
    fallback: { failureThreshold: FALLBACK_FAILURE_THRESHOLD, replicas: bounds.fallback },
    advanced,
    triggers,
  };
}

/**
 * Which window a local (America/New_York) wall-clock time falls in, by the catalogue's rule: Saturday and Sunday
 * belong to the weekend window; on weekdays the window whose time-of-day range holds the time (ranges ending before
 * they start run past midnight).
 */
export function windowAt(schedule: Schedule, localDay: number, localMinutes: number): ScheduleWindow {
  const weekend = localDay === 0 || localDay === 6;
  const found = schedule.windows.find((w) => {
    if (weekend) return w.days === 'weekend';
    if (w.days !== 'weekdays') return false;
    const s = minutesOf(w.start);
    const e = minutesOf(w.end);
    return s < e ? localMinutes >= s && localMinutes < e : localMinutes >= s || localMinutes < e;
  });
  if (!found) throw new Error(`no schedule window covers day ${localDay} minute ${localMinutes}`);
  return found;
}
