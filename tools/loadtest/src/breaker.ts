import { LatencyHistogram } from './histogram.js';
import type { CircuitBreakerReport, Interval, SignalSample, TimelinePoint } from './result-schema.js';
import type { FailFastSample } from './stats.js';

/** How the fail-fast latency is measured (copied into the report). */
export const FAIL_FAST_METHOD =
  "Requests sent and answered while a breaker was open (circuit_breaker_state = 2 on any service's /metrics, or pool stats OPEN; " +
  'requests already in flight when it opened are reported separately): for each degraded ' +
  'reply, the latency the gateway reports for the degraded hop(s) in latencyMs.perHop (the time spent on the hop that failed ' +
  'fast and was replaced by its fallback); for each 503 CIRCUIT_OPEN / SERVICE_UNAVAILABLE refusal, the client-side service time.';

type BreakerView = 'open' | 'half-open' | 'closed' | 'unknown';

/** The worst breaker state any service (or pool) reported in one sample. */
export function breakerView(sample: SignalSample): BreakerView {
  let seen = false;
  let worst = 0;
  for (const s of Object.values(sample.services)) {
    for (const v of Object.values(s.breakers ?? {})) {
      seen = true;
      worst = Math.max(worst, v);
    }
  }
  for (const p of Object.values(sample.pool ?? {})) {
    seen = true;
    worst = Math.max(worst, p.state === 'OPEN' ? 2 : p.state === 'HALF_OPEN' ? 1 : 0);
  }
  if (!seen) return 'unknown';
  return worst >= 2 ? 'open' : worst >= 1 ? 'half-open' : 'closed';
}

/** Intervals during which a breaker was open: from the first open sample to the next sample that was not open. */
export function openIntervals(samples: readonly SignalSample[]): Interval[] {
  const out: Interval[] = [];
  let start: number | undefined;
  for (const s of samples) {
    const open = breakerView(s) === 'open';
    if (open && start === undefined) start = s.t;
    else if (!open && start !== undefined) {
      out.push({ startS: start, endS: s.t });
      start = undefined;
    }
  }
  const last = samples.at(-1);
  if (start !== undefined && last) out.push({ startS: start, endS: last.t });
  return out;
}

export interface BreakerAnalysisInput {
  readonly samples: readonly SignalSample[];
  readonly failFast: readonly FailFastSample[];
  readonly timeline: readonly TimelinePoint[];
  readonly faultStartS: number;
  readonly faultEndS: number;
  readonly faultInjected: boolean;
  readonly faultError?: string;
}

/** `service/name` of every breaker (and `pool:service`) that is half-open in a sample. */
export function halfOpenBreakers(sample: SignalSample | undefined): string[] {
  if (!sample) return [];
  const out: string[] = [];
  for (const [service, s] of Object.entries(sample.services)) {
    for (const [name, v] of Object.entries(s.breakers ?? {})) if (v === 1) out.push(`${service}/${name}`);
  }
  for (const [service, p] of Object.entries(sample.pool ?? {})) if (p.state === 'HALF_OPEN') out.push(`pool:${service}`);
  return out;
}

/**
 * Opened = an open interval exists. Closed = the first sample after the outage and the last open interval in which
 * every breaker is closed. Recovered = the first second, after the outage ended and no breaker is open any more,
 * with a successful, non-degraded reply. A breaker left half-open does not block recovery: opossum closes a
 * half-open breaker only after a trial call, so a deployment that gets no traffic after the outage (e.g. the
 * failover deployment) stays half-open indefinitely while customers are served normally; such breakers are listed
 * in `halfOpenAtEnd`.
 */
export function analyseBreaker(input: BreakerAnalysisInput): CircuitBreakerReport {
  const intervals = openIntervals(input.samples);
  const lastOpenEnd = intervals.at(-1)?.endS;
  const last = input.samples.at(-1);
  const stillOpen = last !== undefined && breakerView(last) === 'open';
  const closed = input.samples.find(
    (s) => s.t >= input.faultEndS && (lastOpenEnd === undefined || s.t >= lastOpenEnd) && breakerView(s) === 'closed',
  );
  const closedAtS = intervals.length > 0 ? closed?.t : undefined;
  const recoverFrom = stillOpen ? undefined : Math.max(input.faultEndS, lastOpenEnd ?? input.faultEndS);
  const recovered =
    recoverFrom === undefined ? undefined : input.timeline.find((p) => p.t > recoverFrom && p.clean > 0);

  const hist = new LatencyHistogram();
  const caught = new LatencyHistogram();
  for (const f of input.failFast) {
    const inside = intervals.find((i) => f.t >= i.startS && f.t <= i.endS);
    if (!inside) continue;
    if (f.sentS >= inside.startS) hist.record(f.ms);
    else caught.record(f.ms);
  }
  const halfOpen = intervals.length > 0 ? halfOpenBreakers(last) : [];
  return {
    faultInjected: input.faultInjected,
    ...(input.faultError ? { faultError: input.faultError } : {}),
    faultStartS: input.faultStartS,
    faultEndS: input.faultEndS,
    openIntervals: intervals,
    ...(intervals[0] ? { openedAtS: intervals[0].startS } : {}),
    ...(closedAtS !== undefined ? { closedAtS } : {}),
    ...(recovered ? { recoveredAtS: recovered.t } : {}),
    failFastMs: hist.stats(),
    failFastMethod: FAIL_FAST_METHOD,
    ...(caught.count > 0 ? { inFlightAtOpenMs: caught.stats() } : {}),
    ...(halfOpen.length > 0 ? { halfOpenAtEnd: halfOpen } : {}),
  };
}
