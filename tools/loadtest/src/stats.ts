import type { Reply } from './client.js';
import { LatencyHistogram, round3 } from './histogram.js';
import type { LatencyStats, MessageClass, Operation, PhaseResult, TimelinePoint } from './result-schema.js';
import type { Step } from './scenarios.js';

/** One finished request. Times are ms since the run started (monotonic clock). */
export interface Outcome {
  readonly op: Operation;
  readonly cls?: MessageClass;
  /** When the request should have been sent (open model: its slot in the arrival schedule). */
  readonly intendedAt: number;
  /** When it was actually sent. */
  readonly sentAt: number;
  readonly doneAt: number;
  readonly reply: Reply;
}

/** A fail-fast observation: a degraded hop's latency, or a fast 503 (see `failFastSample`). */
export interface FailFastSample {
  /** When the reply came back (s since start). */
  readonly t: number;
  /** When the request was sent (s since start): only requests sent while a breaker was open count as failing fast. */
  readonly sentS: number;
  readonly ms: number;
}

/** Error codes a gateway answers with when it refuses work because a breaker is open. */
export const FAIL_FAST_CODES: ReadonlySet<string> = new Set(['CIRCUIT_OPEN', 'SERVICE_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);

const MAX_FAIL_FAST_SAMPLES = 500_000;

const isTurn = (op: Operation) => op === 'message' || op === 'chat';

/**
 * What counts as "failing fast" for one reply:
 * - a 200 with degraded hops → the slowest degraded hop's own latency from `latencyMs.perHop`
 *   (the time the gateway spent on the hop that failed and was replaced by its fallback);
 * - a 503 with CIRCUIT_OPEN / SERVICE_UNAVAILABLE → the client-side service time of the refusal.
 */
export function failFastSample(o: Outcome): number | undefined {
  const r = o.reply;
  if (r.ok && r.degraded && r.degraded.length > 0) {
    const hops = r.degraded.map((h) => r.perHop?.[h]).filter((v): v is number => typeof v === 'number');
    return hops.length > 0 ? Math.max(...hops) : undefined;
  }
  if (!r.ok && r.status === 503 && r.code && FAIL_FAST_CODES.has(r.code)) return o.doneAt - o.sentAt;
  return undefined;
}

interface PhaseAcc {
  readonly step: Step;
  requests: number;
  errors: number;
  ok: number;
  pending: number;
  readonly hist: LatencyHistogram;
}

/** Aggregates outcomes into histograms, error breakdowns, phases and a per-second timeline. */
export class Collector {
  private readonly latency = new LatencyHistogram();
  private readonly serviceTime = new LatencyHistogram();
  private readonly byOp = new Map<Operation, LatencyHistogram>();
  private readonly byClass = new Map<MessageClass, { requests: number; errors: number; hist: LatencyHistogram }>();
  private readonly perHop = new Map<string, LatencyHistogram>();
  private readonly byStatus = new Map<string, number>();
  private readonly byCode = new Map<string, number>();
  private readonly degradedByHop = new Map<string, number>();
  private readonly phases: PhaseAcc[];
  private readonly interval = new LatencyHistogram();
  private intervalCounts = { requests: 0, ok: 0, errors: 0, clean: 0 };
  private readonly timeline: TimelinePoint[] = [];
  readonly failFast: FailFastSample[] = [];

  requests = 0;
  ok = 0;
  errors = 0;
  dropped = 0;
  degraded = 0;
  conversations = 0;
  inFlight = 0;
  /** ms since start of the first successful turn. */
  firstOkAt: number | undefined;
  /** Degraded hops of that first successful turn (empty when it was clean). */
  firstOkDegraded: readonly string[] = [];
  /** ms since start of the first successful turn without degraded hops. */
  firstCleanAt: number | undefined;

  constructor(phases: readonly Step[]) {
    this.phases = phases.map((step) => ({ step, requests: 0, errors: 0, ok: 0, pending: 0, hist: new LatencyHistogram() }));
  }

  /** Phase index for an intended send time (ms). */
  phaseOf(intendedAt: number): number {
    const s = intendedAt / 1000;
    const i = this.phases.findIndex((p) => s >= p.step.startS && s < p.step.endS);
    return i >= 0 ? i : this.phases.length - 1;
  }

  /** An arrival was scheduled (counts towards its phase's pending work until recorded or dropped). */
  arrive(intendedAt: number): void {
    const p = this.phases[this.phaseOf(intendedAt)];
    if (p) p.pending++;
  }

  /** A request left the client. */
  sent(): void {
    this.inFlight++;
  }

  /** Requests of a phase not yet finished (arrived but not recorded/dropped). */
  pending(phase: number): number {
    return this.phases[phase]?.pending ?? 0;
  }

  /** An arrival the open model could not send (backlog full or run ended): an error without latency. */
  drop(intendedAt: number): void {
    const p = this.phases[this.phaseOf(intendedAt)];
    if (p) {
      p.pending = Math.max(0, p.pending - 1);
      p.requests++;
      p.errors++;
    }
    this.requests++;
    this.errors++;
    this.dropped++;
    this.count(this.byStatus, '0');
    this.count(this.byCode, 'CLIENT_BACKLOG_FULL');
    this.intervalCounts.requests++;
    this.intervalCounts.errors++;
  }

  record(o: Outcome): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const r = o.reply;
    const latency = o.doneAt - o.intendedAt;
    const ff = failFastSample(o);
    if (ff !== undefined && this.failFast.length < MAX_FAIL_FAST_SAMPLES) this.failFast.push({ t: o.doneAt / 1000, sentS: o.sentAt / 1000, ms: ff });
    const degraded = r.ok && (r.degraded?.length ?? 0) > 0;

    this.intervalCounts.requests++;
    if (r.ok) this.intervalCounts.ok++;
    else this.intervalCounts.errors++;
    if (r.ok && !degraded && o.op !== 'create') this.intervalCounts.clean++;
    if (isTurn(o.op) || o.op === 'probe') this.interval.record(latency);

    this.histFor(this.byOp, o.op).record(latency);
    if (o.op === 'probe') return;

    const p = this.phases[this.phaseOf(o.intendedAt)];
    if (p) {
      p.pending = Math.max(0, p.pending - 1);
      p.requests++;
      if (r.ok) p.ok++;
      else p.errors++;
      if (isTurn(o.op)) p.hist.record(latency);
    }

    this.requests++;
    if (r.ok) {
      this.ok++;
      if (o.op === 'create' || o.op === 'chat') this.conversations++;
    } else {
      this.errors++;
      this.count(this.byStatus, String(r.status));
      this.count(this.byCode, r.code ?? `HTTP_${r.status}`);
    }
    if (!isTurn(o.op)) return;

    this.latency.record(latency);
    this.serviceTime.record(o.doneAt - o.sentAt);
    if (o.cls) {
      const c = this.byClass.get(o.cls) ?? { requests: 0, errors: 0, hist: new LatencyHistogram() };
      this.byClass.set(o.cls, c);
      c.requests++;
      c.hist.record(latency);
      if (!r.ok) c.errors++;
    }
    if (r.ok) {
      if (this.firstOkAt === undefined) {
        this.firstOkAt = o.doneAt;
        this.firstOkDegraded = [...(r.degraded ?? [])];
      }
      if (!degraded && this.firstCleanAt === undefined) this.firstCleanAt = o.doneAt;
      for (const [hop, ms] of Object.entries(r.perHop ?? {})) this.histFor(this.perHop, hop).record(ms);
      if (degraded) {
        this.degraded++;
        for (const hop of r.degraded ?? []) this.count(this.degradedByHop, hop);
      }
    }
  }

  /** Closes the current one-second interval as timeline point `t` (seconds since start). */
  tick(t: number): TimelinePoint {
    const point: TimelinePoint = {
      t: round3(t),
      ...this.intervalCounts,
      inFlight: this.inFlight,
      p50: round3(this.interval.percentile(50)),
      p95: round3(this.interval.percentile(95)),
      p99: round3(this.interval.percentile(99)),
      max: round3(this.interval.percentile(100)),
    };
    this.timeline.push(point);
    this.interval.reset();
    this.intervalCounts = { requests: 0, ok: 0, errors: 0, clean: 0 };
    return point;
  }

  /** Latency stats of the requests intended within one phase so far; `untilS` clips a phase the run did not finish. */
  phaseResult(i: number, untilS = Number.POSITIVE_INFINITY): PhaseResult | undefined {
    const p = this.phases[i];
    if (!p) return undefined;
    const endS = Math.max(p.step.startS, Math.min(p.step.endS, untilS));
    const len = Math.max(1e-9, endS - p.step.startS);
    return {
      name: p.step.name,
      startS: round3(p.step.startS),
      endS: round3(endS),
      targetRps: round3(p.step.rps),
      requests: p.requests,
      errors: p.errors,
      errorRate: p.requests ? p.errors / p.requests : 0,
      throughputRps: round3(p.ok / len),
      latencyMs: p.hist.stats(),
    };
  }

  /** The timeline so far (one point per closed second). */
  timelinePoints(): readonly TimelinePoint[] {
    return this.timeline;
  }

  get phaseCount(): number {
    return this.phases.length;
  }

  latencyStats(): LatencyStats {
    return this.latency.stats();
  }

  /** Second-largest turn latency (ms), overall or of one message class; undefined with fewer than two turns. */
  secondLargest(cls?: MessageClass): number | undefined {
    const h = cls ? this.byClass.get(cls)?.hist : this.latency;
    return h && h.count >= 2 ? round3(h.valueAtRank(h.count - 1)) : undefined;
  }

  /** Everything aggregated; `untilS` = when the load stopped (clips unfinished phases). */
  summary(untilS?: number) {
    const mapStats = (m: Map<string, LatencyHistogram>) => Object.fromEntries([...m].map(([k, h]) => [k, h.stats()]));
    return {
      latencyMs: this.latency.stats(),
      serviceTimeMs: this.serviceTime.stats(),
      byOperation: mapStats(this.byOp),
      byClass: Object.fromEntries([...this.byClass].map(([k, c]) => [k, { requests: c.requests, errors: c.errors, latencyMs: c.hist.stats() }])),
      perHopMs: mapStats(this.perHop),
      errors: { byStatus: Object.fromEntries(this.byStatus), byCode: Object.fromEntries(this.byCode) },
      degradedByHop: Object.fromEntries(this.degradedByHop),
      phases: this.phases
        .map((p, i) => (untilS !== undefined && p.step.startS >= untilS ? undefined : this.phaseResult(i, untilS)))
        .filter((p): p is PhaseResult => p !== undefined),
      timeline: [...this.timeline],
      histograms: { latency: this.latency.encode(), serviceTime: this.serviceTime.encode() },
    };
  }

  private histFor<K>(m: Map<K, LatencyHistogram>, k: K): LatencyHistogram {
    let h = m.get(k);
    if (!h) m.set(k, (h = new LatencyHistogram()));
    return h;
  }

  private count(m: Map<string, number>, k: string): void {
    m.set(k, (m.get(k) ?? 0) + 1);
  }
}
