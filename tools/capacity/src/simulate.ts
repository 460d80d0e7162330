import { CapacityInputError } from './capacity-input-error.js';
import { monthlyCost, nodesFor, PRICE_TABLES, type AksPrices, type CostSummary, type ServiceUsage } from './cost.js';
import { ScaledTarget } from './control.js';
import type { PodSample } from './hpa.js';
import { KedaScaledObject, type ServiceSignals } from './keda.js';
import type { ManifestService } from './manifests.js';
import type { TrafficProfile } from './profiles.js';
import { addMoments, FluidQueue, lognormalMoments, mmc, p95FromMoments, withProbability, type Moments } from './queueing.js';
import { mixtureQuantile } from './stats.js';
import { applyCostModel, DEFAULT_SERVICE_MODELS, genericServiceModel, TRAFFIC_MIX, type CostModel, type ServiceModel } from './workload.js';

/**
 * `--manifests … --profile …`: every service's ScaledObject (KEDA + HPA) against the profile's arrivals, 15 s steps.
 *
 * Per step and service: arrivals from the profile and the traffic mix → M/M/c latency over the Ready pods (fluid
 * backlog and drops when saturated) → the signals KEDA's scalers read (in-flight, latency quantiles, stream lag,
 * pods, CPU/memory per pod) → KEDA poll (activation, scale to/from zero) every `pollingInterval` → HPA sync every
 * 15 s → pods created (Ready after the start-up delay) or deleted. The gateway's latency is its own work plus the
 * downstream hops of a turn: max(critic screen, classify) → retrieve → escalation decision → (unless escalated)
 * respond → critic review. Metrics are instantaneous (Prometheus scrape intervals and rate windows are not modelled).
 */

export interface SimulationOptions {
  readonly services: readonly ManifestService[];
  readonly profile: TrafficProfile;
  readonly costModel?: CostModel;
  /** @default 'aca' */
  readonly pricing?: 'aca' | 'aks';
  /** @default 15 */
  readonly stepSeconds?: number;
  /** Timeline bucket for the report. @default 300 (or the step for runs shorter than 2 h) */
  readonly resolutionSeconds?: number;
  /** Overrides every service's start-up delay. */
  readonly podStartupSeconds?: number;
  /** Work that would wait longer than this is dropped (the caller's timeout). @default 10 */
  readonly maxQueueWaitSeconds?: number;
  readonly slo?: { readonly p95Seconds: number; readonly maxFailedFraction: number };
  readonly budget?: { readonly minUsd: number; readonly maxUsd: number };
  readonly manifestsLabel?: string;
}

export interface ServiceReport {
  readonly name: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly triggers: readonly string[];
  readonly formula?: string;
  readonly peakReplicas: number;
  readonly meanReplicas: number;
  readonly replicaHours: number;
  readonly requests: number;
  readonly peakRps: number;
  /** Request-weighted p95 over the whole profile, ms (null without traffic). */
  readonly p95Ms: number | null;
  /** Worst p95 of any step, ms. */
  readonly worstP95Ms: number | null;
  readonly droppedRequests: number;
  readonly maxBacklog: number;
  readonly maxStreamLag: number;
  readonly monthlyCostUsd: number;
  /** Share of the HPA syncs in which each metric proposed the largest replica count (above the minimum). */
  readonly drivers: Readonly<Record<string, number>>;
  /** Share of the time spent at maxReplicaCount. */
  readonly atMaxFraction: number;
  readonly model: ServiceModel;
  readonly warnings: readonly string[];
}

export interface TimelineSeries {
  readonly replicas: number[];
  readonly ready: number[];
  readonly p95Ms: (number | null)[];
}

export interface CapacityReport {
  readonly version: 1;
  readonly generatedAt: string;
  readonly manifests: string;
  readonly profile: { readonly name: string; readonly description: string; readonly start: string; readonly durationSeconds: number; readonly peakRps: number; readonly meanRps: number; readonly gatewayRequests: number; readonly assumptions: Readonly<Record<string, number | string>> };
  readonly stepSeconds: number;
  readonly trafficMix: typeof TRAFFIC_MIX;
  readonly costModelSource: string;
  readonly services: readonly ServiceReport[];
  readonly endToEnd: { readonly p95Ms: number | null; readonly worstP95Ms: number | null; readonly failedFraction: number; readonly description: string };
  readonly cost: CostSummary;
  readonly verdict: {
    readonly budget: { readonly minUsd: number; readonly maxUsd: number; readonly estimateUsd: number; readonly holds: boolean; readonly message: string };
    readonly slo: { readonly p95Seconds: number; readonly maxFailedFraction: number; readonly holds: boolean; readonly message: string };
    readonly line: string;
  };
  readonly timeline: {
    readonly resolutionSeconds: number;
    readonly t: number[];
    readonly rps: number[];
    readonly endToEndP95Ms: (number | null)[];
    /** Cumulative cost of the simulated window (not scaled to a month), USD. */
    readonly costUsd: number[];
    readonly services: Readonly<Record<string, TimelineSeries>>;
  };
}

const TURN_PATH = {
  screen: 'critic',
  classify: 'intent-classifier',
  retrieve: 'knowledge-retrieval',
  escalate: 'escalation',
  respond: 'response-generator',
  review: 'critic',
} as const;

interface Runtime {
  readonly svc: ManifestService;
  readonly model: ServiceModel;
  readonly control: ScaledTarget;
  readonly http: FluidQueue;
  readonly streams: Map<string, FluidQueue>;
  readonly warnings: string[];
  readonly drivers: Map<string, number>;
  /** Only then are per-pod CPU/memory samples built. */
  readonly usesResources: boolean;
  syncs: number;
  atMaxSeconds: number;
  /** Response time of this step (for the gateway's path); `null` when no pod could serve. */
  response: Moments | null;
  replicaSeconds: number;
  requests: number;
  peakReplicas: number;
  peakRps: number;
  maxStreamLag: number;
  maxBacklog: number;
  worstP95: number;
  readonly w: Float64Array;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly series: TimelineSeries;
}

const isoOf = (epoch: number): string => new Date(epoch * 1000).toISOString();

export function simulateProfile(opts: SimulationOptions): CapacityReport {
  const step = opts.stepSeconds ?? 15;
  if (!Number.isInteger(step) || step < 1 || step > 300) throw new CapacityInputError('--step must be an integer from 1 to 300 seconds');
  const profile = opts.profile;
  const duration = profile.durationSeconds;
  const steps = Math.floor(duration / step);
  if (steps > 1_000_000) throw new CapacityInputError(`profile of ${duration} s at ${step} s steps is too long (over 1,000,000 steps)`);
  const resolution = opts.resolutionSeconds ?? (duration <= 7200 ? step : 300);
  if (resolution < step || resolution % step !== 0) throw new CapacityInputError('--resolution must be a multiple of --step');
  const pricing = PRICE_TABLES[opts.pricing ?? 'aca'];
  const maxWait = opts.maxQueueWaitSeconds ?? 10;
  const slo = opts.slo ?? { p95Seconds: 2, maxFailedFraction: 0.001 };
  const budget = opts.budget ?? { minUsd: 310, maxUsd: 360 };
  const ctx = { fromEpoch: profile.startEpoch - 60, toEpoch: profile.startEpoch + duration + 60 };
  const buckets = Math.ceil((steps + 1) / (resolution / step));

  const runtimes: Runtime[] = opts.services.map((svc) => {
    const warnings: string[] = [];
    const known = DEFAULT_SERVICE_MODELS[svc.name];
    if (!known) warnings.push(`no traffic model for "${svc.name}": simulated as an idle generic service`);
    const model = applyCostModel(known ?? genericServiceModel(svc.name), opts.costModel?.services[svc.name]);
    const keda = new KedaScaledObject(svc.scaledObject, ctx);
    const initial = keda.minReplicaCount;
    return {
      svc,
      model,
      control: new ScaledTarget(keda, opts.podStartupSeconds ?? model.podStartupSeconds),
      http: new FluidQueue(maxWait),
      streams: new Map(model.streams.map((s) => [s.stream, new FluidQueue(Number.POSITIVE_INFINITY)])),
      warnings,
      drivers: new Map(),
      usesResources: keda.triggers.some((t) => t.resource !== undefined),
      syncs: 0,
      atMaxSeconds: 0,
      response: null,
      replicaSeconds: 0,
      requests: 0,
      peakReplicas: initial,
      peakRps: 0,
      maxStreamLag: 0,
      maxBacklog: 0,
      worstP95: 0,
      w: new Float64Array(steps + 1),
      mean: new Float64Array(steps + 1),
      variance: new Float64Array(steps + 1),
      series: { replicas: new Array<number>(buckets).fill(0), ready: new Array<number>(buckets).fill(Number.POSITIVE_INFINITY), p95Ms: new Array<number | null>(buckets).fill(null) },
    };
  });
  if (opts.costModel) {
    for (const name of Object.keys(opts.costModel.services)) {
      if (!runtimes.some((r) => r.svc.name === name)) runtimes[0]?.warnings.push(`cost model names "${name}", which is not in the manifests`);
    }
  }
  // Downstream services first: the gateway's latency is built from theirs.
  const order = [...runtimes].sort((a, b) => Number(a.svc.name === 'gateway') - Number(b.svc.name === 'gateway'));
  const byName = new Map(runtimes.map((r) => [r.svc.name, r]));
  const e2e = { w: new Float64Array(steps + 1), mean: new Float64Array(steps + 1), variance: new Float64Array(steps + 1) };
  const tl = {
    t: Array.from({ length: buckets }, (_, i) => i * resolution),
    rps: new Array<number>(buckets).fill(0),
    endToEndP95Ms: new Array<number | null>(buckets).fill(null),
    costUsd: new Array<number>(buckets).fill(0),
  };
  const bucketSteps = new Array<number>(buckets).fill(0);
  let nodeSeconds = 0;
  let cumulativeCost = 0;
  let gatewayRequests = 0;
  let failedTurns = 0;
  let peakRps = 0;
  let worstE2e = 0;

  /** A hop's response moments for the gateway path: simulated, or the model's bare service time if not deployed. */
  const hop = (name: string): { moments: Moments; failed: boolean } => {
    const rt = byName.get(name);
    if (!rt) return { moments: lognormalMoments((DEFAULT_SERVICE_MODELS[name] ?? genericServiceModel(name)).serviceTime), failed: false };
    return rt.response ? { moments: rt.response, failed: false } : { moments: { mean: 0, variance: 0 }, failed: true };
  };

  for (let i = 0; i <= steps; i++) {
    const t = i * step;
    const epoch = profile.startEpoch + t;
    const dt = i < steps ? step : duration - steps * step;
    const rate = profile.rateAt(t);
    const bucket = Math.floor(t / resolution);
    bucketSteps[bucket]++;
    tl.rps[bucket] += rate;
    peakRps = Math.max(peakRps, rate);
    gatewayRequests += rate * dt;

    let turnMoments: Moments | undefined;
    let turnFailed = false;
    for (const rt of order) {
      const m = rt.model;
      const pods = rt.control.pods;
      const ready = pods.readyCount(t);
      const podCount = pods.count;
      const lambda = rate * m.perGatewayRequest + m.backgroundRps;
      rt.peakRps = Math.max(rt.peakRps, lambda);
      let service = lognormalMoments(m.serviceTime);
      let turn: Moments | undefined;
      const gatewayOwn = service;
      if (rt.svc.name === 'gateway') {
        const screen = hop(TURN_PATH.screen);
        const classify = hop(TURN_PATH.classify);
        const parts = [screen, classify, hop(TURN_PATH.retrieve), hop(TURN_PATH.escalate)];
        const tail = [hop(TURN_PATH.respond), hop(TURN_PATH.review)];
        turnFailed = [...parts, ...tail].some((p) => p.failed);
        // The screen and the classification run in parallel: take the slower one's moments.
        const parallel = screen.moments.mean >= classify.moments.mean ? screen.moments : classify.moments;
        const before = addMoments(gatewayOwn, parallel, parts[2].moments, parts[3].moments);
        turn = withProbability(before, addMoments(tail[0].moments, tail[1].moments), 1 - TRAFFIC_MIX.escalationRate);
        const share = TRAFFIC_MIX.messageShare;
        const mean = (1 - share) * gatewayOwn.mean + share * turn.mean;
        const second = (1 - share) * (gatewayOwn.variance + gatewayOwn.mean ** 2) + share * (turn.variance + turn.mean ** 2);
        service = { mean, variance: Math.max(0, second - mean * mean) };
      }
      const q = mmc({
        lambda,
        servers: ready * m.concurrencyPerPod,
        service,
        cpuSeconds: m.cpuSecondsPerRequest,
        cpuCores: ready * rt.svc.cpuLimitCores,
      });
      const capacity = ready > 0 ? q.capacity : 0;
      const droppedBefore = rt.http.dropped;
      const extraWait = rt.http.advance(lambda, capacity, dt);
      rt.maxBacklog = Math.max(rt.maxBacklog, rt.http.backlog);
      const overloaded = q.saturated || rt.http.backlog > 0;
      let response: Moments | null;
      if (ready === 0) response = null;
      else if (!overloaded) response = q.response;
      else response = { mean: service.mean + Math.min(extraWait, maxWait), variance: service.variance };
      rt.response = response;
      const served = Math.max(0, lambda * dt - (rt.http.dropped - droppedBefore));
      rt.requests += lambda * dt;
      if (response && served > 0) {
        rt.w[i] = served;
        rt.mean[i] = response.mean;
        rt.variance[i] = response.variance;
      }
      if (rt.svc.name === 'gateway' && turn) {
        const wait: Moments = response ? { mean: Math.max(0, response.mean - service.mean), variance: Math.max(0, response.variance - service.variance) } : { mean: 0, variance: 0 };
        turnMoments = addMoments(turn, wait);
        const turnsServed = served * TRAFFIC_MIX.messageShare;
        if (response && turnsServed > 0) {
          e2e.w[i] = turnsServed;
          e2e.mean[i] = turnMoments.mean;
          e2e.variance[i] = turnMoments.variance;
        }
        failedTurns += (rt.http.dropped - droppedBefore) * TRAFFIC_MIX.messageShare + (turnFailed ? rate * dt * TRAFFIC_MIX.messageShare : 0);
      }

      // Signals for the scalers.
      const busy = overloaded ? Math.min(ready * m.concurrencyPerPod, capacity * service.mean) + rt.http.backlog : response ? lambda * response.mean : 0;
      const inFlight = podCount > 0 ? busy : null;
      const perPodCpu = ready > 0 ? (Math.min(lambda, capacity) * m.cpuSecondsPerRequest) / ready : 0;
      const perPodInFlight = ready > 0 ? busy / ready : 0;
      const readiness = rt.usesResources ? pods.readiness(t) : [];
      const cpuPods: PodSample[] = readiness.map((isReady) => ({
        phase: 'Running',
        ready: isReady,
        requestMilli: Math.round(rt.svc.cpuRequestCores * 1000),
        usageMilli: Math.round(((isReady ? perPodCpu : 0) + m.idleCpuCores) * 1000),
      }));
      const memoryPods: PodSample[] = readiness.map((isReady) => ({
        phase: 'Running',
        ready: isReady,
        requestMilli: Math.round(rt.svc.memoryRequestBytes * 1000),
        usageMilli: Math.round((m.memoryBaseMiB + (isReady ? perPodInFlight * m.memoryPerInFlightMiB : 0)) * 2 ** 20 * 1000),
      }));
      const streams: Record<string, { lag: number; pending: number; length: number }> = {};
      for (const s of m.streams) {
        const sq = rt.streams.get(s.stream) ?? new FluidQueue(Number.POSITIVE_INFINITY);
        rt.streams.set(s.stream, sq);
        const events = rate * s.eventsPerGatewayRequest;
        const cap = ready * s.eventsPerSecondPerPod;
        sq.advance(events, cap, dt);
        const flowing = Math.min(events, cap) * s.readLatencySeconds;
        const lag = sq.backlog + flowing;
        streams[s.stream] = { lag, pending: flowing, length: lag };
        rt.maxStreamLag = Math.max(rt.maxStreamLag, lag);
      }
      const signals: ServiceSignals = {
        pods: podCount,
        inFlight,
        requestRate: lambda,
        latency: response && lambda > 0 ? response : null,
        activeStreams: inFlight,
        streams,
        cpuPods,
        memoryPods,
      };

      // KEDA poll, then the HPA sync.
      const outcome = rt.control.step(t, epoch, signals);
      if (outcome.hpa?.computed) {
        rt.syncs++;
        const top = outcome.hpa.proposals.reduce<{ name: string; replicas: number } | undefined>(
          (best, p) => (p.replicas !== undefined && (!best || p.replicas > best.replicas) ? { name: p.name, replicas: p.replicas } : best),
          undefined,
        );
        if (top && top.replicas > rt.control.hpa.minReplicas) rt.drivers.set(top.name, (rt.drivers.get(top.name) ?? 0) + 1);
      }
      const spec = rt.control.replicas;
      if (spec >= rt.control.keda.maxReplicaCount) rt.atMaxSeconds += dt;

      rt.replicaSeconds += pods.count * dt;
      rt.peakReplicas = Math.max(rt.peakReplicas, spec);
      const p95 = response && lambda > 0 ? p95FromMoments(response) : null;
      if (p95 !== null) rt.worstP95 = Math.max(rt.worstP95, p95);
      const series = rt.series;
      series.replicas[bucket] = Math.max(series.replicas[bucket], spec);
      series.ready[bucket] = Math.min(series.ready[bucket], pods.readyCount(t));
      if (p95 !== null) series.p95Ms[bucket] = Math.max(series.p95Ms[bucket] ?? 0, p95 * 1000);
      if (pricing.model === 'aca') cumulativeCost += pods.count * dt * (rt.svc.cpuRequestCores * pricing.vcpuSecondUsd + (rt.svc.memoryRequestBytes / 2 ** 30) * pricing.gibSecondUsd);
    }
    if (pricing.model === 'aks') {
      let cpu = 0;
      let mem = 0;
      for (const rt of runtimes) {
        cpu += rt.control.pods.count * rt.svc.cpuRequestCores;
        mem += (rt.control.pods.count * rt.svc.memoryRequestBytes) / 2 ** 30;
      }
      const nodes = nodesFor(cpu, mem, pricing as AksPrices);
      nodeSeconds += nodes * dt;
      cumulativeCost += (nodes * dt * pricing.nodeHourUsd) / 3600;
    }
    if (turnMoments && e2e.w[i] > 0) {
      const p = p95FromMoments(turnMoments);
      worstE2e = Math.max(worstE2e, p);
      tl.endToEndP95Ms[bucket] = Math.max(tl.endToEndP95Ms[bucket] ?? 0, p * 1000);
    }
    tl.costUsd[bucket] = cumulativeCost;
  }
  for (let b = 0; b < buckets; b++) tl.rps[b] = tl.rps[b] / Math.max(1, bucketSteps[b]);
  for (const rt of runtimes) rt.series.ready.forEach((v, b) => (rt.series.ready[b] = Number.isFinite(v) ? v : 0));

  const usage: ServiceUsage[] = runtimes.map((rt) => ({
    service: rt.svc.name,
    replicaSeconds: rt.replicaSeconds,
    cpuRequestCores: rt.svc.cpuRequestCores,
    memoryRequestGib: rt.svc.memoryRequestBytes / 2 ** 30,
    requests: rt.requests,
  }));
  const cost = monthlyCost(usage, duration, pricing, nodeSeconds);

  const services: ServiceReport[] = runtimes.map((rt, idx) => {
    const p95 = mixtureQuantile({ weight: rt.w, mean: rt.mean, variance: rt.variance }, 0.95);
    const keda = rt.control.keda;
    const sm = keda.modifiers;
    return {
      name: rt.svc.name,
      minReplicas: keda.minReplicaCount,
      maxReplicas: keda.maxReplicaCount,
      triggers: keda.triggers.map((t) => `${t.name} (${t.type}, ${t.metricType} ${t.target})`),
      ...(sm ? { formula: `${sm.formula.source} (target ${sm.target}, ${sm.metricType})` } : {}),
      peakReplicas: rt.peakReplicas,
      meanReplicas: rt.replicaSeconds / duration,
      replicaHours: rt.replicaSeconds / 3600,
      requests: rt.requests,
      peakRps: rt.peakRps,
      p95Ms: Number.isNaN(p95) ? null : p95 * 1000,
      worstP95Ms: rt.worstP95 > 0 ? rt.worstP95 * 1000 : null,
      droppedRequests: rt.http.dropped,
      maxBacklog: rt.maxBacklog,
      maxStreamLag: rt.maxStreamLag,
      monthlyCostUsd: cost.services[idx].monthlyUsd,
      drivers: Object.fromEntries([...rt.drivers].map(([name, n]) => [name, n / Math.max(1, rt.syncs)])),
      atMaxFraction: rt.atMaxSeconds / duration,
      model: rt.model,
      warnings: rt.warnings,
    };
  });

  const e2eP95 = mixtureQuantile({ weight: e2e.w, mean: e2e.mean, variance: e2e.variance }, 0.95);
  const failedFraction = gatewayRequests > 0 ? failedTurns / (gatewayRequests * TRAFFIC_MIX.messageShare) : 0;
  const estimate = cost.netMonthlyUsd;
  const budgetHolds = estimate <= budget.maxUsd;
  const budgetMessage = budgetHolds
    ? estimate < budget.minUsd
      ? `HOLDS: $${estimate.toFixed(0)}/month is under the $${budget.minUsd}–${budget.maxUsd} budget`
      : `HOLDS: $${estimate.toFixed(0)}/month is within the $${budget.minUsd}–${budget.maxUsd} budget`
    : `EXCEEDED: $${estimate.toFixed(0)}/month is over the $${budget.minUsd}–${budget.maxUsd} budget by $${(estimate - budget.maxUsd).toFixed(0)}`;
  const hasGateway = byName.has('gateway');
  const sloHolds = hasGateway && !Number.isNaN(e2eP95) && e2eP95 < slo.p95Seconds && failedFraction < slo.maxFailedFraction;
  const sloMessage = !hasGateway
    ? 'UNKNOWN: no gateway in the manifests, so no end-to-end latency'
    : `${sloHolds ? 'HOLDS' : 'BROKEN'}: end-to-end p95 ${(e2eP95).toFixed(2)} s (worst step ${worstE2e.toFixed(2)} s) vs < ${slo.p95Seconds} s, ${(failedFraction * 100).toFixed(3)} % failed or degraded turns vs < ${(slo.maxFailedFraction * 100).toFixed(1)} %`;

  return {
    version: 1,
    generatedAt: new Date().toISOString(),
    manifests: opts.manifestsLabel ?? '',
    profile: {
      name: profile.name,
      description: profile.description,
      start: isoOf(profile.startEpoch),
      durationSeconds: duration,
      peakRps,
      meanRps: gatewayRequests / duration,
      gatewayRequests,
      assumptions: profile.assumptions,
    },
    stepSeconds: step,
    trafficMix: TRAFFIC_MIX,
    costModelSource: opts.costModel?.source ?? 'documented defaults (tools/capacity/src/workload.ts)',
    services,
    endToEnd: {
      p95Ms: Number.isNaN(e2eP95) ? null : e2eP95 * 1000,
      worstP95Ms: worstE2e > 0 ? worstE2e * 1000 : null,
      failedFraction,
      description: 'text message turn at the gateway: gateway queueing + max(critic screen, classify) + retrieve + escalation + (88 %) respond + critic review',
    },
    cost,
    verdict: {
      budget: { ...budget, estimateUsd: estimate, holds: budgetHolds, message: budgetMessage },
      slo: { ...slo, holds: sloHolds, message: sloMessage },
      line: `verdict: budget ${budgetHolds ? 'HOLDS' : 'EXCEEDED'} ($${estimate.toFixed(0)}/month vs $${budget.minUsd}–${budget.maxUsd}); SLO p95 < ${slo.p95Seconds} s ${sloHolds ? 'HOLDS' : hasGateway ? 'BROKEN' : 'UNKNOWN'} (${
        Number.isNaN(e2eP95) ? 'n/a' : `${e2eP95.toFixed(2)} s`
      })`,
    },
    timeline: { resolutionSeconds: resolution, ...tl, services: Object.fromEntries(runtimes.map((rt) => [rt.svc.name, rt.series])) },
  };
}
