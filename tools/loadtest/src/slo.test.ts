import { describe, expect, it } from 'vitest';
import { emptyStats } from './histogram.js';
import type { CircuitBreakerReport, LatencyStats } from './result-schema.js';
import type { SloSpec } from './scenarios.js';
import { evaluateSlos, type SloInput } from './slo.js';

const lat = (p95: number, p99 = p95 * 1.5, count = 100): LatencyStats => ({ ...emptyStats(), count, p50: p95 / 2, p95, p99, max: p99 });

const input = (over: Partial<SloInput> = {}): SloInput => ({
  latencyMs: lat(800),
  byClass: {},
  totals: { requests: 1000, errors: 0, errorRate: 0 },
  keda: [],
  ...over,
});

const cb = (over: Partial<CircuitBreakerReport> = {}): CircuitBreakerReport => ({
  faultInjected: true,
  faultStartS: 5,
  faultEndS: 20,
  openIntervals: [{ startS: 6, endS: 21 }],
  openedAtS: 6,
  closedAtS: 21,
  recoveredAtS: 22,
  failFastMs: lat(1.2, 2.5, 120),
  failFastMethod: 'test',
  ...over,
});

const DEFAULTS: SloSpec[] = [
  { kind: 'latency', percentile: 95, maxMs: 2000 },
  { kind: 'error-rate', max: 0.001 },
];

describe('SLO evaluation', () => {
  it('passes p95 < 2 s and errors < 0.1 % when both hold', () => {
    expect(evaluateSlos(DEFAULTS, input()).map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it('fails p95 at exactly the limit and above it', () => {
    expect(evaluateSlos(DEFAULTS, input({ latencyMs: lat(2000) }))[0]).toMatchObject({ id: 'p95', status: 'fail', actual: '2000 ms' });
    expect(evaluateSlos(DEFAULTS, input({ latencyMs: lat(2500) }))[0]?.status).toBe('fail');
  });

  it('fails the error rate at 0.1 % and passes just below it', () => {
    expect(evaluateSlos(DEFAULTS, input({ totals: { requests: 1000, errors: 1, errorRate: 0.001 } }))[1]?.status).toBe('fail');
    expect(evaluateSlos(DEFAULTS, input({ totals: { requests: 10_000, errors: 9, errorRate: 0.0009 } }))[1]?.status).toBe('pass');
  });

  it('fails rather than passes when nothing was measured', () => {
    const r = evaluateSlos(DEFAULTS, input({ latencyMs: emptyStats(), totals: { requests: 0, errors: 0, errorRate: 0 } }));
    expect(r.map((x) => x.status)).toEqual(['fail', 'fail']);
  });

  it('judges per-class thresholds and skips a class that was never sent', () => {
    const specs: SloSpec[] = [
      { kind: 'latency', percentile: 95, maxMs: 3000, class: 'complex' },
      { kind: 'latency', percentile: 95, maxMs: 2000, class: 'simple' },
    ];
    const r = evaluateSlos(specs, input({ byClass: { complex: { requests: 10, errors: 0, latencyMs: lat(3100) } } }));
    expect(r.map((x) => [x.id, x.status])).toEqual([
      ['complex-p95', 'fail'],
      ['simple-p95', 'skipped'],
    ]);
  });

  it('reports a p95 over fewer than 20 samples as inconclusive when one slow reply alone breaks it, and fails on two', () => {
    const spec: SloSpec[] = [{ kind: 'latency', percentile: 95, maxMs: 2000, class: 'simple' }];
    const few = { simple: { requests: 16, errors: 0, latencyMs: lat(2230, 2230, 16) } };
    const one = evaluateSlos(spec, input({ byClass: few, secondLargestMs: { simple: 1490 } }))[0];
    expect(one).toMatchObject({ status: 'skipped', actual: '2230 ms' });
    expect(one?.detail).toContain('only 16 samples');
    expect(one?.detail).toContain('next slowest 1490 ms');
    expect(evaluateSlos(spec, input({ byClass: few, secondLargestMs: { simple: 2100 } }))[0]?.status).toBe('fail');
    // without the second-largest value nothing is excused
    expect(evaluateSlos(spec, input({ byClass: few }))[0]?.status).toBe('fail');
    // 20 samples: the p95 is no longer the maximum and is judged as it is
    const enough = { simple: { requests: 20, errors: 0, latencyMs: lat(2230, 2230, 20) } };
    expect(evaluateSlos(spec, input({ byClass: enough, secondLargestMs: { simple: 1490 } }))[0]?.status).toBe('fail');
    // and a small sample entirely under the limit passes
    expect(evaluateSlos(spec, input({ byClass: { simple: { requests: 5, errors: 0, latencyMs: lat(900, 900, 5) } } }))[0]?.status).toBe('pass');
  });

  it('passes the circuit-breaker SLOs when the breaker opened, failed fast and recovered', () => {
    const specs: SloSpec[] = [{ kind: 'breaker-opened' }, { kind: 'fail-fast', percentile: 99, maxMs: 5 }, { kind: 'breaker-recovered' }];
    expect(evaluateSlos(specs, input({ circuitBreaker: cb() })).map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('fails the circuit-breaker SLOs when the breaker never opened, was slow to fail or never recovered', () => {
    const specs: SloSpec[] = [{ kind: 'breaker-opened' }, { kind: 'fail-fast', percentile: 99, maxMs: 5 }, { kind: 'breaker-recovered' }];
    const never = cb({ openIntervals: [], failFastMs: emptyStats() });
    delete (never as { openedAtS?: number }).openedAtS;
    delete (never as { closedAtS?: number }).closedAtS;
    delete (never as { recoveredAtS?: number }).recoveredAtS;
    expect(evaluateSlos(specs, input({ circuitBreaker: never })).map((r) => r.status)).toEqual(['fail', 'fail', 'fail']);
    expect(evaluateSlos(specs, input({ circuitBreaker: cb({ failFastMs: lat(4, 12, 50) }) }))[1]).toMatchObject({ status: 'fail', actual: '12 ms (n=50)' });
  });

  it('fails breaker SLOs with the reason when the outage could not be injected', () => {
    const r = evaluateSlos([{ kind: 'breaker-opened' }], input({ circuitBreaker: cb({ faultInjected: false, faultError: 'ECONNREFUSED' }) }));
    expect(r[0]).toMatchObject({ status: 'fail', detail: 'ECONNREFUSED' });
  });

  it('requires the KEDA in-flight trigger to fire, and skips it when no metric was scraped', () => {
    const spec: SloSpec[] = [{ kind: 'keda-fired', trigger: 'in-flight-per-pod' }];
    const row = { trigger: 'in-flight-per-pod' as const, service: 'gateway', threshold: 10, unit: 'requests', samplesAbove: 0, samples: 10, peak: 4, fired: false };
    expect(evaluateSlos(spec, input())[0]?.status).toBe('skipped');
    expect(evaluateSlos(spec, input({ keda: [row] }))[0]?.status).toBe('fail');
    expect(evaluateSlos(spec, input({ keda: [{ ...row, fired: true, samplesAbove: 3, firstAtS: 40, peak: 14 }] }))[0]?.status).toBe('pass');
  });

  it('skips the cold-start SLO on a warm stack and judges it on a cold one', () => {
    const spec: SloSpec[] = [{ kind: 'cold-start', maxMs: 10_000 }];
    expect(evaluateSlos(spec, input({ coldStart: { cold: false, waitedForReadyMs: 0, processAgeAtStartS: 600 } }))[0]?.status).toBe('skipped');
    expect(evaluateSlos(spec, input({ coldStart: { cold: true, waitedForReadyMs: 3000, firstReplyAfterProcessStartMs: 4200 } }))[0]?.status).toBe('pass');
    expect(evaluateSlos(spec, input({ coldStart: { cold: true, waitedForReadyMs: 3000, firstReplyAfterProcessStartMs: 12_000 } }))[0]?.status).toBe('fail');
  });

  it('fails memory growth above the limit and names the growing service', () => {
    const m = (growthPct: number) => ({ firstBytes: 1, lastBytes: 1, peakBytes: 1, growthPct, slopeMbPerHour: 0 });
    const r = evaluateSlos([{ kind: 'memory-growth', maxPct: 20 }], input({ memory: { gateway: m(3), critic: m(45) } }));
    expect(r[0]).toMatchObject({ status: 'fail', detail: 'growing: critic' });
  });

  it('passes capacity when at least one step passed', () => {
    const spec: SloSpec[] = [{ kind: 'capacity-found' }];
    expect(evaluateSlos(spec, input({ capacity: { lastPassingRps: 45, firstFailingRps: 67.5, stopReason: 'x' } }))[0]?.status).toBe('pass');
    expect(evaluateSlos(spec, input({ capacity: { lastPassingRps: null, firstFailingRps: 2, stopReason: 'x' } }))[0]?.status).toBe('fail');
  });
});
