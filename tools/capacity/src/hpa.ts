/**
 * One HorizontalPodAutoscaler (autoscaling/v2) as the kube-controller-manager runs it, step for step.
 *
 * Ported from the controller's source (kubernetes/kubernetes `pkg/controller/podautoscaler/horizontal.go` and
 * `replica_calculator.go`) and checked against the "Horizontal Pod Autoscaling" concept page on kubernetes.io:
 * - per metric: `desired = ceil(currentReplicas × current / target)`, skipped inside the tolerance (0.1);
 *   External `AverageValue` uses the scale's status replicas, External `Value` the Running+Ready pods;
 *   Resource `Utilization` is the integer percentage of the pods' requests (truncated, as the controller does);
 * - missing metrics and not-yet-ready pods: on a scale-up missing pods count as 0 and (CPU) unready pods as 0; on a
 *   scale-down missing pods count as 100 % (of the request for resources, of the target for raw values); a recount
 *   that flips the direction or lands inside the tolerance means "no change";
 * - the largest proposal over all metrics wins; an invalid metric blocks a scale-down;
 * - `behavior`: stabilization (max over the scale-down window, min over the scale-up window of the unstabilized
 *   recommendations) then rate policies (Pods / Percent per `periodSeconds`, measured from the replica count at the
 *   start of the period using the recorded scale events; `selectPolicy` Max / Min / Disabled), then min/max;
 * - no `behavior` at all: the controller's legacy path (5-minute downscale stabilization, scale-up limited to
 *   `max(2 × current, 4)` per sync) — which is what the documented defaults were written to match.
 *
 * Time is in seconds (any origin); the caller calls `reconcile` once per sync period (15 s by default).
 */

export type PolicyType = 'Pods' | 'Percent';
export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

export interface ScalingPolicy {
  readonly type: PolicyType;
  readonly value: number;
  readonly periodSeconds: number;
}

export interface ScalingRules {
  readonly stabilizationWindowSeconds?: number;
  readonly selectPolicy?: SelectPolicy;
  readonly policies?: readonly ScalingPolicy[];
  /** HPAConfigurableTolerance (alpha in 1.33): overrides the cluster-wide 0.1 for this direction. */
  readonly tolerance?: number;
}

export interface HpaBehavior {
  readonly scaleUp?: ScalingRules;
  readonly scaleDown?: ScalingRules;
}

export interface ResolvedRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: SelectPolicy;
  readonly policies: readonly ScalingPolicy[];
}

/** `pkg/apis/autoscaling/v2/defaults.go`: what the API server fills in when `behavior` is present. */
export const DEFAULT_SCALE_UP: ResolvedRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Percent', value: 100, periodSeconds: 15 },
    { type: 'Pods', value: 4, periodSeconds: 15 },
  ],
};

export const DEFAULT_SCALE_DOWN_POLICIES: readonly ScalingPolicy[] = [{ type: 'Percent', value: 100, periodSeconds: 15 }];

export interface ControllerOptions {
  /** `--horizontal-pod-autoscaler-tolerance` @default 0.1 */
  readonly tolerance?: number;
  /** `--horizontal-pod-autoscaler-downscale-stabilization` @default 300 */
  readonly downscaleStabilizationSeconds?: number;
}

export interface HpaSpec {
  /** @default 1 */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  readonly behavior?: HpaBehavior;
}

/** What one pod reports to the resource metrics API in this sync. */
export interface PodSample {
  /** `Pending` pods are ignored; `Running` pods are grouped by readiness and metric presence. */
  readonly phase: 'Running' | 'Pending';
  readonly ready: boolean;
  /** Sum of the containers' requests for the resource, in milli-units (millicores, millibytes). */
  readonly requestMilli: number;
  /** Usage in milli-units; `undefined` when the metrics API has no sample for the pod (a "missing" pod). */
  readonly usageMilli?: number;
}

export type MetricInput =
  | {
      /** External metric (every KEDA trigger except cpu/memory). The value is the sum over the returned series. */
      readonly type: 'External';
      readonly name?: string;
      readonly targetType: 'AverageValue' | 'Value';
      readonly targetMilli: number;
      /** `undefined` = the metric could not be fetched this sync. */
      readonly valueMilli: number | undefined;
    }
  | {
      readonly type: 'Resource';
      readonly name?: string;
      readonly resource: 'cpu' | 'memory';
      readonly targetType: 'Utilization' | 'AverageValue';
      /** Percent for Utilization, milli-units for AverageValue. */
      readonly target: number;
      readonly pods: readonly PodSample[];
    };

export interface ReconcileInput {
  /** `scale.spec.replicas` */
  readonly currentReplicas: number;
  /** `scale.status.replicas`: pods that exist (ready or not). @default currentReplicas */
  readonly statusReplicas?: number;
  /** Running and Ready pods (External `Value` metrics scale these). @default statusReplicas */
  readonly readyPods?: number;
  readonly metrics: readonly MetricInput[];
}

export interface MetricProposal {
  readonly name: string;
  /** Proposed replicas, or `undefined` when the metric was invalid this sync. */
  readonly replicas: number | undefined;
  /** The usage ratio before missing/unready adjustments (`NaN` when unavailable). */
  readonly usageRatio: number;
  readonly error?: string;
}

export interface ReconcileResult {
  /** The replica count the controller sets (`scale.spec.replicas` after this sync). */
  readonly replicas: number;
  /** The raw recommendation before stabilization, policies and min/max (or the clamp target outside bounds). */
  readonly desired: number;
  readonly reason: string;
  readonly proposals: readonly MetricProposal[];
  /** Whether the controller computed a recommendation this sync (false: disabled or metrics invalid). */
  readonly computed: boolean;
}

interface Recommendation {
  readonly at: number;
  readonly replicas: number;
}

interface ScaleEvent {
  readonly at: number;
  readonly change: number;
}

interface Tolerances {
  readonly up: number;
  readonly down: number;
}

const within = (t: Tolerances, ratio: number): boolean => 1 - t.down <= ratio && ratio <= 1 + t.up;

/** `int32(x)` for the non-negative floats the controller converts. */
const int32 = (x: number): number => Math.trunc(x);

/**
 * Desired replicas for one External metric. `AverageValue`: `GetExternalPerPodMetricReplicas`;
 * `Value`: `GetExternalMetricReplicas` → `getUsageRatioReplicaCount`.
 */
export function externalMetricReplicas(
  m: Extract<MetricInput, { type: 'External' }>,
  currentReplicas: number,
  statusReplicas: number,
  readyPods: number,
  tol: Tolerances,
): MetricProposal {
  const name = m.name ?? 'external';
  if (m.valueMilli === undefined) return { name, replicas: undefined, usageRatio: Number.NaN, error: 'metric unavailable' };
  const utilization = m.valueMilli;
  if (m.targetType === 'AverageValue') {
    const usageRatio = utilization / (m.targetMilli * statusReplicas);
    let replicas = statusReplicas;
    if (!within(tol, usageRatio)) replicas = int32(Math.ceil(utilization / m.targetMilli));
    return { name, replicas, usageRatio };
  }
  const usageRatio = utilization / m.targetMilli;
  if (currentReplicas !== 0) {
    if (within(tol, usageRatio)) return { name, replicas: currentReplicas, usageRatio };
    if (readyPods === 0) return { name, replicas: undefined, usageRatio, error: 'no ready pods' };
    return { name, replicas: int32(Math.ceil(usageRatio * readyPods)), usageRatio };
  }
  return { name, replicas: int32(Math.ceil(usageRatio)), usageRatio };
}

interface Grouped {
  readyCount: number;
  ignored: number[];
  missing: number[];
  /** index → usage (milli) of the pods that count. */
  metrics: Map<number, number>;
}

/** `groupPods`: Pending → ignored; no sample → missing; CPU and not Ready (inside the initialization period) → ignored. */
function groupPods(pods: readonly PodSample[], resource: 'cpu' | 'memory' | 'plain'): Grouped {
  const g: Grouped = { readyCount: 0, ignored: [], missing: [], metrics: new Map() };
  pods.forEach((pod, i) => {
    if (pod.phase === 'Pending') {
      g.ignored.push(i);
      return;
    }
    if (pod.usageMilli === undefined) {
      g.missing.push(i);
      return;
    }
    if (resource === 'cpu' && !pod.ready) {
      g.ignored.push(i);
      return;
    }
    g.metrics.set(i, pod.usageMilli);
    g.readyCount++;
  });
  return g;
}

/** `GetResourceUtilizationRatio`: integer utilization of the requests of the pods that have metrics. */
function utilizationRatio(metrics: Map<number, number>, pods: readonly PodSample[], targetUtilization: number): { ratio: number; utilization: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  for (const [i, value] of metrics) {
    metricsTotal += value;
    requestsTotal += pods[i].requestMilli;
  }
  if (requestsTotal === 0) return { ratio: Number.NaN, utilization: Number.NaN };
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization };
}

/** `GetMetricUtilizationRatio`: average raw value over the pods with metrics. */
function plainRatio(metrics: Map<number, number>, target: number): number {
  let total = 0;
  for (const v of metrics.values()) total += v;
  const average = Math.trunc(total / metrics.size);
  return average / target;
}

/** Desired replicas for a Resource metric: `GetResourceReplicas` (Utilization) or `GetRawResourceReplicas` (AverageValue). */
export function resourceMetricReplicas(m: Extract<MetricInput, { type: 'Resource' }>, currentReplicas: number, tol: Tolerances): MetricProposal {
  const name = m.name ?? m.resource;
  if (m.pods.length === 0) return { name, replicas: undefined, usageRatio: Number.NaN, error: 'no pods returned by selector' };
  const utilizationMode = m.targetType === 'Utilization';
  const g = groupPods(m.pods, utilizationMode ? m.resource : m.resource === 'cpu' ? 'cpu' : 'plain');
  for (const i of g.ignored) g.metrics.delete(i);
  if (g.metrics.size === 0) return { name, replicas: undefined, usageRatio: Number.NaN, error: 'did not receive metrics for any ready pods' };

  const ratioOf = (metrics: Map<number, number>): number =>
    utilizationMode ? utilizationRatio(metrics, m.pods, m.target).ratio : plainRatio(metrics, m.target);
  const usageRatio = ratioOf(g.metrics);
  if (Number.isNaN(usageRatio)) return { name, replicas: undefined, usageRatio, error: 'missing request' };

  const rebalanceIgnored = g.ignored.length > 0 && usageRatio > 1.0;
  if (!rebalanceIgnored && g.missing.length === 0) {
    if (within(tol, usageRatio)) return { name, replicas: currentReplicas, usageRatio };
    return { name, replicas: int32(Math.ceil(usageRatio * g.readyCount)), usageRatio };
  }

  const adjusted = new Map(g.metrics);
  if (g.missing.length > 0) {
    if (usageRatio < 1.0) {
      // Scale-down: missing pods use 100 % of their request (resource) or of the target (raw value).
      for (const i of g.missing) adjusted.set(i, utilizationMode ? m.pods[i].requestMilli : m.target);
    } else if (usageRatio > 1.0 || !utilizationMode) {
      for (const i of g.missing) adjusted.set(i, 0);
    }
  }
  if (rebalanceIgnored) for (const i of g.ignored) adjusted.set(i, 0);

  const newUsageRatio = ratioOf(adjusted);
  if (within(tol, newUsageRatio) || (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
    return { name, replicas: currentReplicas, usageRatio };
  }
  const newReplicas = int32(Math.ceil(newUsageRatio * adjusted.size));
  if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
    return { name, replicas: currentReplicas, usageRatio };
  }
  return { name, replicas: newReplicas, usageRatio };
}

/** Fills a partial `behavior` the way the API server and controller do (`GenerateHPAScale{Up,Down}Rules`). */
export function resolveBehavior(behavior: HpaBehavior, downscaleStabilizationSeconds = 300): { scaleUp: ResolvedRules; scaleDown: ResolvedRules } {
  const up = behavior.scaleUp;
  const down = behavior.scaleDown;
  return {
    scaleUp: {
      stabilizationWindowSeconds: up?.stabilizationWindowSeconds ?? DEFAULT_SCALE_UP.stabilizationWindowSeconds,
      selectPolicy: up?.selectPolicy ?? 'Max',
      policies: up?.policies && up.policies.length > 0 ? up.policies : DEFAULT_SCALE_UP.policies,
    },
    scaleDown: {
      stabilizationWindowSeconds: down?.stabilizationWindowSeconds ?? downscaleStabilizationSeconds,
      selectPolicy: down?.selectPolicy ?? 'Max',
      policies: down?.policies && down.policies.length > 0 ? down.policies : DEFAULT_SCALE_DOWN_POLICIES,
    },
  };
}

export class HorizontalPodAutoscaler {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  private readonly rules: { scaleUp: ResolvedRules; scaleDown: ResolvedRules } | undefined;
  private readonly tolerances: Tolerances;
  private readonly downscaleStabilizationSeconds: number;
  private recommendations: Recommendation[] = [];
  private readonly scaleUpEvents: ScaleEvent[] = [];
  private readonly scaleDownEvents: ScaleEvent[] = [];

  constructor(spec: HpaSpec, options: ControllerOptions = {}) {
    this.minReplicas = spec.minReplicas ?? 1;
    this.maxReplicas = spec.maxReplicas;
    this.downscaleStabilizationSeconds = options.downscaleStabilizationSeconds ?? 300;
    this.rules = spec.behavior ? resolveBehavior(spec.behavior, this.downscaleStabilizationSeconds) : undefined;
    const tolerance = options.tolerance ?? 0.1;
    this.tolerances = {
      up: spec.behavior?.scaleUp?.tolerance ?? tolerance,
      down: spec.behavior?.scaleDown?.tolerance ?? tolerance,
    };
  }

  /** One sync of the controller at time `now` (seconds). */
  reconcile(now: number, input: ReconcileInput): ReconcileResult {
    const current = input.currentReplicas;
    const statusReplicas = input.statusReplicas ?? current;
    const readyPods = input.readyPods ?? statusReplicas;
    if (this.recommendations.length === 0) this.recommendations.push({ at: now, replicas: current });

    if (current === 0 && this.minReplicas !== 0) {
      return { replicas: 0, desired: 0, reason: 'ScalingDisabled: the target has zero replicas', proposals: [], computed: false };
    }
    let desired: number;
    let reason: string;
    let proposals: MetricProposal[] = [];
    if (current > this.maxReplicas) {
      desired = this.maxReplicas;
      reason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < this.minReplicas) {
      desired = this.minReplicas;
      reason = 'Current number of replicas below Spec.MinReplicas';
    } else {
      proposals = input.metrics.map((m) =>
        m.type === 'External'
          ? externalMetricReplicas(m, current, statusReplicas, readyPods, this.tolerances)
          : resourceMetricReplicas(m, current, this.tolerances),
      );
      let metricDesired = 0;
      let winner = '';
      let invalid = 0;
      for (const p of proposals) {
        if (p.replicas === undefined) invalid++;
        else if (metricDesired === 0 || p.replicas > metricDesired) {
          metricDesired = p.replicas;
          winner = p.name;
        }
      }
      if (proposals.length === 0 || invalid >= proposals.length || (invalid > 0 && metricDesired < current)) {
        return {
          replicas: current,
          desired: current,
          reason: `FailedComputeMetricsReplicas: ${proposals.find((p) => p.error)?.error ?? 'no metrics'}`,
          proposals,
          computed: false,
        };
      }
      const prenormalized = metricDesired;
      reason = prenormalized > current ? `${winner} above target` : prenormalized < current ? 'All metrics below target' : 'recommended size matches current size';
      const normalized = this.rules
        ? this.normalizeWithBehaviors(now, current, prenormalized, this.rules)
        : this.normalizeLegacy(now, current, prenormalized);
      return this.apply(now, current, normalized, prenormalized, reason, proposals);
    }
    return this.apply(now, current, desired, desired, reason, proposals);
  }

  private apply(now: number, current: number, replicas: number, desired: number, reason: string, proposals: MetricProposal[]): ReconcileResult {
    if (replicas !== current) this.storeScaleEvent(now, current, replicas);
    return { replicas, desired, reason, proposals, computed: true };
  }

  /** `normalizeDesiredReplicas` + `stabilizeRecommendation` + `convertDesiredReplicasWithRules`. */
  private normalizeLegacy(now: number, current: number, prenormalized: number): number {
    const cutoff = now - this.downscaleStabilizationSeconds;
    let stabilized = prenormalized;
    for (const rec of this.recommendations) {
      if (rec.at >= cutoff && rec.replicas > stabilized) stabilized = rec.replicas;
    }
    this.recommendations = this.recommendations.filter((r) => r.at >= cutoff);
    this.recommendations.push({ at: now, replicas: prenormalized });

    const scaleUpLimit = int32(Math.max(2.0 * current, 4.0));
    const maximumAllowed = Math.min(this.maxReplicas, scaleUpLimit);
    if (stabilized < this.minReplicas) return this.minReplicas;
    if (stabilized > maximumAllowed) return maximumAllowed;
    return stabilized;
  }

  /** `normalizeDesiredReplicasWithBehaviors`: stabilization, then the rate policies. */
  private normalizeWithBehaviors(now: number, current: number, prenormalized: number, rules: { scaleUp: ResolvedRules; scaleDown: ResolvedRules }): number {
    const { scaleUp, scaleDown } = rules;
    const upCutoff = now - scaleUp.stabilizationWindowSeconds;
    const downCutoff = now - scaleDown.stabilizationWindowSeconds;
    let upRecommendation = prenormalized;
    let downRecommendation = prenormalized;
    for (const rec of this.recommendations) {
      if (rec.at > upCutoff) upRecommendation = Math.min(rec.replicas, upRecommendation);
      if (rec.at > downCutoff) downRecommendation = Math.max(rec.replicas, downRecommendation);
    }
    let stabilized = current;
    if (stabilized < upRecommendation) stabilized = upRecommendation;
    if (stabilized > downRecommendation) stabilized = downRecommendation;
    // Keep what a later window can still see; the controller recycles the rest.
    const keepFrom = Math.min(upCutoff, downCutoff);
    this.recommendations = this.recommendations.filter((r) => r.at > keepFrom);
    this.recommendations.push({ at: now, replicas: prenormalized });

    if (stabilized > current) {
      let scaleUpLimit = this.scaleUpLimit(now, current, scaleUp);
      if (scaleUpLimit < current) scaleUpLimit = current;
      const maximumAllowed = Math.min(this.maxReplicas, scaleUpLimit);
      return stabilized > maximumAllowed ? maximumAllowed : stabilized;
    }
    if (stabilized < current) {
      let scaleDownLimit = this.scaleDownLimit(now, current, scaleDown);
      if (scaleDownLimit > current) scaleDownLimit = current;
      const minimumAllowed = Math.max(this.minReplicas, scaleDownLimit);
      return stabilized < minimumAllowed ? minimumAllowed : stabilized;
    }
    return stabilized;
  }

  private changeInPeriod(now: number, periodSeconds: number, events: readonly ScaleEvent[]): number {
    const cutoff = now - periodSeconds;
    let sum = 0;
    for (const e of events) if (e.at > cutoff) sum += e.change;
    return sum;
  }

  /** `calculateScaleUpLimitWithScalingRules` */
  private scaleUpLimit(now: number, current: number, rules: ResolvedRules): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const useMin = rules.selectPolicy === 'Min';
    let result = useMin ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    for (const policy of rules.policies) {
      const added = this.changeInPeriod(now, policy.periodSeconds, this.scaleUpEvents);
      const deleted = this.changeInPeriod(now, policy.periodSeconds, this.scaleDownEvents);
      const periodStart = current - added + deleted;
      const proposed =
        policy.type === 'Pods' ? periodStart + policy.value : int32(Math.ceil(periodStart * (1 + policy.value / 100)));
      result = useMin ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  /** `calculateScaleDownLimitWithBehaviors` */
  private scaleDownLimit(now: number, current: number, rules: ResolvedRules): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const useMin = rules.selectPolicy === 'Min';
    let result = useMin ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
    for (const policy of rules.policies) {
      const added = this.changeInPeriod(now, policy.periodSeconds, this.scaleUpEvents);
      const deleted = this.changeInPeriod(now, policy.periodSeconds, this.scaleDownEvents);
      const periodStart = current - added + deleted;
      const proposed = policy.type === 'Pods' ? periodStart - policy.value : int32(periodStart * (1 - policy.value / 100));
      result = useMin ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  /**
   * `storeScaleEvent` + `markScaleEventsOutdated`: only with `behavior`. Like the controller, an event older than the
   * longest policy period of its direction is only *replaced* by the next event of that direction; until then it still
   * counts in `getReplicasChangePerPeriod` for the other direction's (possibly longer) periods.
   */
  private storeScaleEvent(now: number, previous: number, next: number): void {
    if (!this.rules) return;
    const up = next > previous;
    const events = up ? this.scaleUpEvents : this.scaleDownEvents;
    const longest = Math.max(0, ...(up ? this.rules.scaleUp : this.rules.scaleDown).policies.map((p) => p.periodSeconds));
    let outdatedIndex = -1;
    events.forEach((e, i) => {
      if (e.at < now - longest) outdatedIndex = i;
    });
    const event = { at: now, change: up ? next - previous : previous - next };
    if (outdatedIndex >= 0) events[outdatedIndex] = event;
    else events.push(event);
  }
}
