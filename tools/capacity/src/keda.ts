import { CapacityInputError } from './capacity-input-error.js';
import { CronWindow } from './cron.js';
import { compileFormula, type CompiledFormula } from './formula.js';
import type { HpaBehavior, HpaSpec, MetricInput, PodSample } from './hpa.js';
import { parseQuantity, toMilli } from './quantity.js';
import type { ScaledObject, Trigger } from './schemas.js';

/**
 * KEDA on top of the HPA (checked against the KEDA 2.16/2.17 docs and `pkg/scalers`, `pkg/scaling`, `controllers/keda`):
 * - every trigger but cpu/memory becomes an External metric of the HPA that KEDA creates (`metricType` AverageValue by
 *   default, target = the scaler's threshold); cpu/memory become Resource metrics;
 * - metric values travel as milli-quantities (`int64(value × 1000)`);
 * - cron: value `desiredReplicas` inside `[start, end)` in the trigger's time zone, 1 outside, target 1 — a floor;
 * - `scalingModifiers`: the formula is evaluated over the named triggers' values and replaces all External metrics with
 *   one composite metric (`target`, `metricType` default AverageValue); Resource metrics stay; activity becomes
 *   `composite > activationTarget` (default 0);
 * - activation (0 ↔ 1) is KEDA's: a trigger is active when its value is above its activation threshold (default 0),
 *   with `minReplicaCount ≥ 1` (and no `idleReplicaCount`) the object always counts as active; at 0 replicas an active object is scaled to
 *   `max(minReplicaCount, 1)`; an inactive one goes to 0 (or `idleReplicaCount`) once `lastActiveTime + cooldownPeriod`
 *   has passed; the HPA (`minReplicas = max(minReplicaCount, 1)`) does nothing while the target has 0 replicas;
 * - `fallback` is not modelled (scalers do not fail in the simulation).
 */

/** What the world looks like for one service at one instant; the scalers read these. */
export interface ServiceSignals {
  /** Pods that exist (Running or starting), as the kubernetes-workload scaler counts them. */
  readonly pods: number;
  /** Sum of the in-flight HTTP requests over the pods; `null` when no pod reports (no series). */
  readonly inFlight: number | null;
  /** Requests per second. */
  readonly requestRate: number;
  /** Latency distribution of the service's requests (seconds); `null` without traffic (the quantile is NaN). */
  readonly latency: { readonly mean: number; readonly variance: number } | null;
  /** Audio streams open right now. */
  readonly activeStreams: number | null;
  /** Redis stream state per stream key. */
  readonly streams: Readonly<Record<string, { readonly lag: number; readonly pending: number; readonly length: number }>>;
  /** One sample per pod for the resource metrics API. */
  readonly cpuPods: readonly PodSample[];
  readonly memoryPods: readonly PodSample[];
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Quantile of a lognormal with the given moments. */
export function latencyQuantile(m: { mean: number; variance: number }, q: number): number {
  if (m.mean <= 0) return 0;
  const s2 = Math.log(1 + m.variance / (m.mean * m.mean));
  return m.mean * Math.exp(-s2 / 2 + normalQuantile(q) * Math.sqrt(s2));
}

const PROMETHEUS_SIGNALS = [
  'histogram_quantile(q, …http_server_request_duration_seconds_bucket…) → latency quantile (s)',
  'http_server_requests_in_flight → in-flight requests',
  'speech_active_streams → open audio streams',
  'rate(http_server_requests_total…) → requests per second',
] as const;

/** Maps a PromQL query of the infra's ScaledObjects onto a signal; unknown shapes are an input error. */
export function prometheusSignal(query: string, where: string): (s: ServiceSignals) => number | null {
  const quantile = /histogram_quantile\(\s*([0-9.]+)\s*,/.exec(query);
  if (quantile && query.includes('duration')) {
    const q = Number(quantile[1]);
    if (!(q > 0 && q < 1)) throw new CapacityInputError(`${where}: histogram_quantile ${quantile[1]} must be in (0, 1)`);
    return (s) => (s.latency && s.requestRate > 0 ? latencyQuantile(s.latency, q) : null);
  }
  if (query.includes('requests_in_flight')) return (s) => s.inFlight;
  if (query.includes('active_streams')) return (s) => s.activeStreams;
  if (query.includes('requests_total') && query.includes('rate(')) return (s) => (s.pods > 0 ? s.requestRate : null);
  throw new CapacityInputError(`${where}: cannot simulate prometheus query "${query}"; the simulator knows: ${PROMETHEUS_SIGNALS.join('; ')}`);
}

export interface TriggerModel {
  readonly name: string;
  readonly type: string;
  /** External triggers: their value now (`null` = no data / scaler error). */
  readonly value?: (s: ServiceSignals, epochSeconds: number) => number | null;
  readonly metricType: 'AverageValue' | 'Value' | 'Utilization';
  /** External: the HPA target (threshold); Utilization: percent; resource AverageValue: the quantity (cores / bytes). */
  readonly target: number;
  readonly activation: number;
  readonly resource?: 'cpu' | 'memory';
  /** `ignoreNullValues` (prometheus): null → 0 instead of an error. */
  readonly nullAsZero: boolean;
  /** Scalers whose activity is not `value > activation` (cron: the window itself). */
  readonly isActive?: (epochSeconds: number) => boolean;
}

function num(meta: Readonly<Record<string, string>>, key: string, where: string, fallback?: number): number {
  const raw = meta[key];
  if (raw === undefined) {
    if (fallback === undefined) throw new CapacityInputError(`${where}: metadata.${key} is required`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new CapacityInputError(`${where}: metadata.${key} "${raw}" is not a number`);
  return n;
}

export interface TriggerContext {
  /** Simulation window, for the cron tables. */
  readonly fromEpoch: number;
  readonly toEpoch: number;
}

export function triggerModel(trigger: Trigger, index: number, ctx: TriggerContext, objectName: string): TriggerModel {
  const name = trigger.name ?? `${trigger.type}-${index}`;
  const where = `ScaledObject ${objectName} trigger ${name} (${trigger.type})`;
  const meta = trigger.metadata;
  const metricType = trigger.metricType ?? 'AverageValue';
  if (trigger.type !== 'cpu' && trigger.type !== 'memory' && metricType === 'Utilization') {
    throw new CapacityInputError(`${where}: metricType Utilization is only valid for cpu and memory`);
  }
  switch (trigger.type) {
    case 'prometheus': {
      const signal = prometheusSignal(meta['query'] ?? '', where);
      const nullAsZero = (meta['ignoreNullValues'] ?? 'true').toLowerCase() !== 'false';
      return {
        name,
        type: trigger.type,
        metricType,
        target: num(meta, 'threshold', where),
        activation: num(meta, 'activationThreshold', where, 0),
        nullAsZero,
        value: (s) => signal(s),
      };
    }
    case 'cron': {
      const desired = num(meta, 'desiredReplicas', where);
      const window = new CronWindow({
        start: meta['start'] ?? '',
        end: meta['end'] ?? '',
        timeZone: meta['timezone'] ?? '',
        fromEpoch: ctx.fromEpoch,
        toEpoch: ctx.toEpoch,
      });
      return {
        name,
        type: trigger.type,
        metricType,
        target: 1,
        activation: 0,
        nullAsZero: false,
        value: (_s, epoch) => (window.isActive(epoch) ? desired : 1),
        isActive: (epoch) => window.isActive(epoch),
      };
    }
    case 'redis-streams': {
      const stream = meta['stream'];
      if (!stream) throw new CapacityInputError(`${where}: metadata.stream is required`);
      const mode = meta['lagCount'] !== undefined ? 'lag' : meta['pendingEntriesCount'] !== undefined ? 'pending' : 'length';
      const target = mode === 'lag' ? num(meta, 'lagCount', where) : mode === 'pending' ? num(meta, 'pendingEntriesCount', where) : num(meta, 'streamLength', where, 5);
      const activation =
        mode === 'lag' ? num(meta, 'activationLagCount', where, 0) : mode === 'pending' ? num(meta, 'activationPendingEntriesCount', where, 0) : num(meta, 'activationStreamLength', where, 0);
      return {
        name,
        type: trigger.type,
        metricType,
        target,
        activation,
        nullAsZero: false,
        value: (s) => {
          const st = s.streams[stream];
          if (!st) return 0;
          return mode === 'lag' ? st.lag : mode === 'pending' ? st.pending : st.length;
        },
      };
    }
    case 'kubernetes-workload':
      return { name, type: trigger.type, metricType, target: num(meta, 'value', where), activation: num(meta, 'activationValue', where, 0), nullAsZero: false, value: (s) => s.pods };
    case 'cpu':
    case 'memory': {
      const type = trigger.metricType ?? (meta['type'] as TriggerModel['metricType'] | undefined);
      if (type !== 'Utilization' && type !== 'AverageValue') throw new CapacityInputError(`${where}: metricType must be Utilization or AverageValue`);
      const raw = meta['value'];
      if (raw === undefined) throw new CapacityInputError(`${where}: metadata.value is required`);
      const target = type === 'Utilization' ? num(meta, 'value', where) : parseQuantity(raw, `${where} value`);
      return { name, type: trigger.type, metricType: type, target, activation: 0, resource: trigger.type, nullAsZero: false };
    }
    default:
      throw new CapacityInputError(`${where}: the simulator does not model the "${trigger.type}" scaler (supported: prometheus, cron, redis-streams, kubernetes-workload, cpu, memory)`);
  }
}

export interface KedaEvaluation {
  /** Trigger values (milli-truncated, in units) by trigger name; `null` = error / no data. */
  readonly values: Readonly<Record<string, number | null>>;
  /** The composite metric when `scalingModifiers` is set (`undefined` when it could not be computed). */
  readonly composite?: number | undefined;
  /** What the HPA sees this sync. */
  readonly metrics: readonly MetricInput[];
  /** Whether KEDA considers the ScaledObject active (before the minReplicaCount ≥ 1 rule). */
  readonly active: boolean;
}

const milliTrunc = (v: number): number => Math.trunc(v * 1000);

export class KedaScaledObject {
  readonly name: string;
  readonly target: string;
  readonly minReplicaCount: number;
  readonly maxReplicaCount: number;
  readonly pollingInterval: number;
  readonly cooldownPeriod: number;
  readonly initialCooldownPeriod: number;
  readonly idleReplicaCount: number | undefined;
  readonly triggers: readonly TriggerModel[];
  readonly behavior: HpaBehavior | undefined;
  readonly modifiers: { readonly formula: CompiledFormula; readonly target: number; readonly activationTarget: number; readonly metricType: 'AverageValue' | 'Value' } | undefined;

  constructor(so: ScaledObject, ctx: TriggerContext) {
    const spec = so.spec;
    this.name = so.metadata.name;
    this.target = spec.scaleTargetRef.name;
    this.minReplicaCount = spec.minReplicaCount ?? 0;
    this.maxReplicaCount = spec.maxReplicaCount ?? 100;
    if (this.minReplicaCount > this.maxReplicaCount) throw new CapacityInputError(`ScaledObject ${this.name}: minReplicaCount ${this.minReplicaCount} > maxReplicaCount ${this.maxReplicaCount}`);
    this.pollingInterval = spec.pollingInterval ?? 30;
    this.cooldownPeriod = spec.cooldownPeriod ?? 300;
    this.initialCooldownPeriod = spec.initialCooldownPeriod ?? 0;
    this.idleReplicaCount = spec.idleReplicaCount;
    this.behavior = spec.advanced?.horizontalPodAutoscalerConfig?.behavior;
    this.triggers = spec.triggers.map((t, i) => triggerModel(t, i, ctx, this.name));
    const names = new Set<string>();
    for (const t of this.triggers) {
      if (names.has(t.name)) throw new CapacityInputError(`ScaledObject ${this.name}: trigger name ${t.name} used twice`);
      names.add(t.name);
    }
    const sm = spec.advanced?.scalingModifiers;
    if (sm) {
      const formula = compileFormula(sm.formula);
      for (const v of formula.variables) {
        const t = this.triggers.find((x) => x.name === v);
        if (!t) throw new CapacityInputError(`ScaledObject ${this.name}: scalingModifiers.formula uses "${v}", which is no trigger's name`);
        if (t.resource) throw new CapacityInputError(`ScaledObject ${this.name}: scalingModifiers.formula cannot use the ${t.type} trigger "${v}"`);
      }
      if (!(sm.target > 0)) throw new CapacityInputError(`ScaledObject ${this.name}: scalingModifiers.target must be > 0`);
      this.modifiers = { formula, target: sm.target, activationTarget: sm.activationTarget ?? 0, metricType: sm.metricType ?? 'AverageValue' };
    } else {
      this.modifiers = undefined;
    }
  }

  /** The HPA KEDA creates for this ScaledObject. */
  hpaSpec(): HpaSpec {
    return {
      minReplicas: Math.max(this.minReplicaCount, 1),
      maxReplicas: this.maxReplicaCount,
      ...(this.behavior ? { behavior: this.behavior } : {}),
    };
  }

  evaluate(signals: ServiceSignals, epochSeconds: number): KedaEvaluation {
    const values: Record<string, number | null> = {};
    const external: MetricInput[] = [];
    const resources: MetricInput[] = [];
    let active = false;
    for (const t of this.triggers) {
      if (t.resource || !t.value) {
        if (!t.resource) continue;
        const pods = t.resource === 'cpu' ? signals.cpuPods : signals.memoryPods;
        resources.push(
          t.metricType === 'Utilization'
            ? { type: 'Resource', name: t.name, resource: t.resource, targetType: 'Utilization', target: Math.trunc(t.target), pods }
            : { type: 'Resource', name: t.name, resource: t.resource, targetType: 'AverageValue', target: toMilli(t.target), pods },
        );
        continue;
      }
      let v = t.value(signals, epochSeconds);
      if (v === null && t.nullAsZero) v = 0;
      const value = v === null || !Number.isFinite(v) ? null : milliTrunc(v) / 1000;
      values[t.name] = value;
      const triggerActive = t.isActive ? t.isActive(epochSeconds) : value !== null && value > t.activation;
      if (triggerActive) active = true;
      external.push({
        type: 'External',
        name: t.name,
        targetType: t.metricType === 'Value' ? 'Value' : 'AverageValue',
        targetMilli: milliTrunc(t.target),
        valueMilli: value === null ? undefined : Math.round(value * 1000),
      });
    }
    if (!this.modifiers) return { values, metrics: [...resources, ...external], active };

    const inputs = Object.fromEntries([...this.modifiers.formula.variables].map((v) => [v, values[v] ?? null]));
    let composite: number | undefined;
    if (Object.values(inputs).every((v) => v !== null)) {
      const out = this.modifiers.formula.evaluate(inputs);
      composite = Number.isFinite(out) ? milliTrunc(out) / 1000 : undefined;
    }
    const compositeMetric: MetricInput = {
      type: 'External',
      name: 'composite-metric',
      targetType: this.modifiers.metricType,
      targetMilli: milliTrunc(this.modifiers.target),
      valueMilli: composite === undefined ? undefined : Math.round(composite * 1000),
    };
    return {
      values,
      composite,
      metrics: [...resources, compositeMetric],
      active: composite !== undefined && composite > this.modifiers.activationTarget,
    };
  }
}

/**
 * KEDA's scale executor for one poll: scale from zero when active, to zero (or `idleReplicaCount`) after the cooldown,
 * up to `minReplicaCount` when below it. Returns the new `spec.replicas` and the updated `lastActiveTime`.
 */
export function kedaScaleDecision(
  so: Pick<KedaScaledObject, 'minReplicaCount' | 'cooldownPeriod' | 'initialCooldownPeriod' | 'idleReplicaCount'>,
  state: { readonly now: number; readonly currentReplicas: number; readonly active: boolean; readonly lastActiveTime: number | undefined; readonly createdAt: number },
): { replicas: number; lastActiveTime: number | undefined; action: 'none' | 'activate' | 'deactivate' | 'to-min' } {
  const idle = so.idleReplicaCount;
  // "If the minimum replicas is >= 1, the scaler is always active" — unless idleReplicaCount asks to idle below it.
  const active = state.active || (so.minReplicaCount >= 1 && idle === undefined);
  if (active) {
    const lastActiveTime = state.now;
    if (state.currentReplicas === 0 || (idle !== undefined && state.currentReplicas === idle && idle < so.minReplicaCount)) {
      return { replicas: Math.max(so.minReplicaCount, 1), lastActiveTime, action: 'activate' };
    }
    if (state.currentReplicas < so.minReplicaCount) return { replicas: so.minReplicaCount, lastActiveTime, action: 'to-min' };
    return { replicas: state.currentReplicas, lastActiveTime, action: 'none' };
  }
  const scaleInTo = idle ?? 0;
  if (state.currentReplicas > scaleInTo && (so.minReplicaCount === 0 || idle !== undefined)) {
    const cooled =
      state.lastActiveTime === undefined ? state.createdAt + so.initialCooldownPeriod < state.now : state.lastActiveTime + so.cooldownPeriod < state.now;
    if (cooled) return { replicas: scaleInTo, lastActiveTime: state.lastActiveTime, action: 'deactivate' };
    return { replicas: state.currentReplicas, lastActiveTime: state.lastActiveTime, action: 'none' };
  }
  if (state.currentReplicas < so.minReplicaCount) return { replicas: so.minReplicaCount, lastActiveTime: state.lastActiveTime, action: 'to-min' };
  return { replicas: state.currentReplicas, lastActiveTime: state.lastActiveTime, action: 'none' };
}
