import type {
  CapacityReport,
  CircuitBreakerReport,
  ColdStartReport,
  KedaTrigger,
  LatencyStats,
  MemoryTrend,
  SloResult,
} from './result-schema.js';
import type { SloSpec } from './scenarios.js';

/** What the SLOs are judged on (a subset of the result). */
export interface SloInput {
  readonly latencyMs: LatencyStats;
  readonly byClass: Readonly<Record<string, { readonly requests: number; readonly errors: number; readonly latencyMs: LatencyStats }>>;
  readonly totals: { readonly requests: number; readonly errors: number; readonly errorRate: number };
  readonly keda: readonly KedaTrigger[];
  readonly circuitBreaker?: CircuitBreakerReport;
  readonly coldStart?: ColdStartReport;
  readonly memory?: Readonly<Record<string, MemoryTrend>>;
  readonly capacity?: CapacityReport;
  /**
   * Second-largest turn latency (ms) overall (`all`) and per class: decides whether a percentile judged on too few
   * samples to differ from the maximum was broken by a single slow reply (see `latency` below).
   */
  readonly secondLargestMs?: Readonly<Record<string, number | undefined>>;
}

/** Samples needed before the nearest-rank p-th percentile is no longer simply the maximum: 20 for p95, 100 for p99. */
export function minSamplesFor(percentile: number): number {
  return Math.ceil(1 / (1 - percentile / 100) - 1e-9);
}

const ms = (v: number) => `${v >= 100 ? Math.round(v) : Math.round(v * 100) / 100} ms`;
const pct = (v: number) => `${Math.round(v * 100_000) / 1000} %`;

function result(id: string, description: string, target: string, actual: string, pass: boolean | 'skipped', detail?: string): SloResult {
  return { id, description, target, actual, status: pass === 'skipped' ? 'skipped' : pass ? 'pass' : 'fail', ...(detail ? { detail } : {}) };
}

/** Judges each SLO: pass / fail, or skipped when the run could not measure it (said why in `detail`). */
export function evaluateSlos(specs: readonly SloSpec[], input: SloInput): SloResult[] {
  return specs.map((spec) => evaluateOne(spec, input));
}

function evaluateOne(spec: SloSpec, input: SloInput): SloResult {
  switch (spec.kind) {
    case 'latency': {
      const key = spec.percentile === 95 ? 'p95' : 'p99';
      const stats = spec.class ? input.byClass[spec.class]?.latencyMs : input.latencyMs;
      const id = spec.class ? `${spec.class}-${key}` : key;
      const description = spec.class ? `${spec.class} messages: ${key} latency` : `${key} latency (from intended send)`;
      const target = `< ${ms(spec.maxMs)}`;
      if (!stats || stats.count === 0) {
        return spec.class
          ? result(id, description, target, 'no samples', 'skipped', `no ${spec.class} messages were sent (run too short?)`)
          : result(id, description, target, 'no samples', false, 'no turn was measured');
      }
      const value = stats[key];
      const needed = minSamplesFor(spec.percentile);
      if (value >= spec.maxMs && stats.count < needed) {
        // With fewer than `needed` samples the percentile IS the maximum, so one slow reply would decide the SLO.
        // One sample over the limit is inconclusive; two or more (≥ 10 % of < 20 samples for a p95) still fail.
        const second = input.secondLargestMs?.[spec.class ?? 'all'];
        if (second !== undefined && second < spec.maxMs) {
          return result(
            id,
            description,
            target,
            ms(value),
            'skipped',
            `inconclusive: only ${stats.count} samples (a ${key} needs ≥ ${needed}; below that it is the maximum) and just 1 over the limit; next slowest ${ms(second)}`,
          );
        }
      }
      return result(id, description, target, ms(value), value < spec.maxMs, stats.count < needed ? `only ${stats.count} sample${stats.count === 1 ? '' : 's'}: the ${key} is the maximum` : undefined);
    }
    case 'error-rate': {
      const { requests, errors, errorRate } = input.totals;
      if (requests === 0) return result('error-rate', 'error rate', `< ${pct(spec.max)}`, 'no requests', false, 'no request was sent');
      return result('error-rate', 'error rate', `< ${pct(spec.max)}`, `${pct(errorRate)} (${errors}/${requests})`, errorRate < spec.max);
    }
    case 'breaker-opened': {
      const cb = input.circuitBreaker;
      const desc = 'circuit breaker opens during the LLM outage';
      if (!cb) return result('breaker-opened', desc, 'opens', 'not measured', false);
      if (!cb.faultInjected) return result('breaker-opened', desc, 'opens', 'no outage injected', false, cb.faultError);
      return cb.openedAtS !== undefined
        ? result('breaker-opened', desc, 'opens', `opened at t=${cb.openedAtS.toFixed(1)} s`, true)
        : result('breaker-opened', desc, 'opens', 'never seen open', false, 'no circuit_breaker_state = 2 in /metrics and no OPEN in pool stats');
    }
    case 'fail-fast': {
      const cb = input.circuitBreaker;
      const desc = 'fail-fast latency while the breaker is open (p99)';
      const target = `< ${ms(spec.maxMs)}`;
      if (!cb || cb.failFastMs.count === 0) {
        return result('fail-fast-p99', desc, target, 'no samples', false, 'no degraded reply or 503 refusal was seen while a breaker was open');
      }
      return result('fail-fast-p99', desc, target, `${ms(cb.failFastMs.p99)} (n=${cb.failFastMs.count})`, cb.failFastMs.p99 < spec.maxMs);
    }
    case 'breaker-recovered': {
      const cb = input.circuitBreaker;
      const desc = 'recovers after the outage (no breaker open, clean replies)';
      if (!cb?.faultInjected) return result('breaker-recovered', desc, 'recovers', 'no outage injected', false, cb?.faultError);
      if (cb.recoveredAtS === undefined) {
        return result('breaker-recovered', desc, 'recovers', 'did not recover', false, 'a breaker stayed open, or no clean reply came after the breakers left the open state');
      }
      return result(
        'breaker-recovered',
        desc,
        'recovers',
        `recovered at t=${cb.recoveredAtS.toFixed(1)} s (${(cb.recoveredAtS - cb.faultEndS).toFixed(1)} s after the outage)`,
        true,
        cb.halfOpenAtEnd ? `still half-open without traffic: ${cb.halfOpenAtEnd.join(', ')}` : undefined,
      );
    }
    case 'keda-fired': {
      const rows = input.keda.filter((k) => k.trigger === spec.trigger);
      const desc = `KEDA ${spec.trigger} trigger would fire`;
      if (rows.length === 0) return result(`keda-${spec.trigger}`, desc, 'fires', 'no metric scraped', 'skipped', 'no service exposed the metric');
      const fired = rows.filter((r) => r.fired);
      const peak = rows.reduce((best, r) => ((r.peak ?? 0) > (best.peak ?? 0) ? r : best));
      return fired.length > 0
        ? result(`keda-${spec.trigger}`, desc, `> ${rows[0]?.threshold}`, `fired on ${fired.map((r) => `${r.service} (t=${r.firstAtS} s)`).join(', ')}`, true)
        : result(`keda-${spec.trigger}`, desc, `> ${rows[0]?.threshold}`, `peak ${peak.peak ?? 0} on ${peak.service}`, false, 'raise --scale to push the signal over the threshold');
    }
    case 'cold-start': {
      const cs = input.coldStart;
      const desc = 'gateway process start → first successful reply';
      const target = `< ${ms(spec.maxMs)}`;
      if (!cs) return result('cold-start', desc, target, 'not measured', false);
      if (!cs.cold) {
        return result('cold-start', desc, target, 'stack was warm', 'skipped', `the gateway was already up for ${Math.round(cs.processAgeAtStartS ?? 0)} s; start the load test together with npm start`);
      }
      if (cs.firstReplyAfterProcessStartMs === undefined) return result('cold-start', desc, target, 'no reply', false, 'no successful reply (or no process_start_time_seconds metric)');
      return result('cold-start', desc, target, ms(cs.firstReplyAfterProcessStartMs), cs.firstReplyAfterProcessStartMs < spec.maxMs);
    }
    case 'memory-growth': {
      const entries = Object.entries(input.memory ?? {});
      const desc = 'RSS growth per service over the run (after warm-up)';
      const target = `< ${spec.maxPct} %`;
      if (entries.length === 0) return result('memory-growth', desc, target, 'no RSS metric', 'skipped', 'no service exposed process_resident_memory_bytes');
      const [worstName, worst] = entries.reduce((a, b) => (b[1].growthPct > a[1].growthPct ? b : a));
      const over = entries.filter(([, m]) => m.growthPct >= spec.maxPct).map(([n]) => n);
      return result('memory-growth', desc, target, `max ${worst.growthPct} % (${worstName})`, over.length === 0, over.length ? `growing: ${over.join(', ')}` : undefined);
    }
    case 'capacity-found': {
      const c = input.capacity;
      const desc = 'highest arrival rate whose step met the step SLO (p95, error rate)';
      if (!c || c.lastPassingRps === null) return result('capacity', desc, 'a passing step', 'none', false, c?.stopReason);
      return result('capacity', desc, 'a passing step', `${c.lastPassingRps} rps`, true, c.stopReason);
    }
  }
}
