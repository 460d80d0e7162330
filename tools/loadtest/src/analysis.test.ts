import { describe, expect, it } from 'vitest';
import { analyseBreaker, breakerView, openIntervals } from './breaker.js';
import { evaluateKeda } from './keda.js';
import { memoryTrends } from './memory.js';
import type { SignalSample, TimelinePoint } from './result-schema.js';
import { costDelta } from './runner.js';

const sample = (t: number, gw: SignalSample['services'][string], extra: Partial<SignalSample> = {}): SignalSample => ({ t, services: { gateway: gw }, ...extra });

describe('KEDA trigger evaluation', () => {
  it('reports when in-flight per pod went above 10, with the peak and the replicas KEDA would want', () => {
    const samples = [5, 9, 14, 23, 8].map((v, i) => sample(i + 1, { up: true, inFlight: v, p95Ms: 400 }));
    const rows = evaluateKeda(samples);
    expect(rows.find((r) => r.trigger === 'in-flight-per-pod')).toEqual({
      trigger: 'in-flight-per-pod',
      service: 'gateway',
      threshold: 10,
      unit: 'requests',
      fired: true,
      firstAtS: 3,
      lastAtS: 4,
      samplesAbove: 2,
      samples: 5,
      peak: 23,
      peakDesiredReplicas: 3,
    });
    expect(rows.find((r) => r.trigger === 'p95-latency')).toMatchObject({ fired: false, peak: 400 });
  });

  it('leaves out triggers whose metric no service exposed', () => {
    const rows = evaluateKeda([sample(1, { up: true, inFlight: 1 }), sample(2, { up: false })]);
    expect(rows.map((r) => r.trigger)).toEqual(['in-flight-per-pod']);
  });

  it('fires the stream-lag trigger above 100 entries', () => {
    const rows = evaluateKeda([{ t: 1, services: { analytics: { up: true, streamLag: 150 } } }]);
    expect(rows).toEqual([expect.objectContaining({ trigger: 'stream-lag', service: 'analytics', fired: true, firstAtS: 1 })]);
  });
});

describe('circuit-breaker analysis', () => {
  const tl = (t: number, clean: number): TimelinePoint => ({ t, requests: 10, ok: 10, errors: 0, clean, inFlight: 0, p50: 1, p95: 1, p99: 1, max: 1 });
  const state = (t: number, v: number) => sample(t, { up: true, breakers: { llm: v } });

  it('combines /metrics breakers and pool stats into the worst state', () => {
    expect(breakerView(sample(1, { up: true }))).toBe('unknown');
    expect(breakerView(state(1, 1))).toBe('half-open');
    expect(
      breakerView(
        sample(1, { up: true, breakers: { llm: 0 } }, { pool: { 'response-generator': { size: 10, active: 0, available: 10, state: 'OPEN', avgWaitMs: 0, totalRequests: 0, totalErrors: 0 } } }),
      ),
    ).toBe('open');
  });

  it('finds the open window, keeps only fail-fast samples inside it and the first clean second after it closed', () => {
    const samples = [state(4, 0), state(6, 2), state(7, 2), state(8, 2), state(21, 1), state(22, 0), state(23, 0)];
    expect(openIntervals(samples)).toEqual([{ startS: 6, endS: 21 }]);
    const report = analyseBreaker({
      samples,
      failFast: [{ t: 5, sentS: 4.9, ms: 900 }, { t: 7, sentS: 7, ms: 1 }, { t: 10, sentS: 10, ms: 2 }, { t: 25, sentS: 24, ms: 800 }],
      timeline: [tl(20, 0), tl(22, 0), tl(23, 4)],
      faultStartS: 5,
      faultEndS: 20,
      faultInjected: true,
    });
    expect(report).toMatchObject({ openedAtS: 6, closedAtS: 22, recoveredAtS: 23 });
    expect(report.failFastMs.count).toBe(2);
    expect(report.failFastMs.max).toBeLessThan(3);
    expect(report.inFlightAtOpenMs).toBeUndefined();
    expect(report.halfOpenAtEnd).toBeUndefined();
  });

  it('counts only requests sent while open as failing fast and reports the ones caught in flight apart', () => {
    const report = analyseBreaker({
      samples: [state(4, 0), state(6, 2), state(14, 2), state(21, 0)],
      failFast: [{ t: 13.2, sentS: 5.1, ms: 8034 }, { t: 7, sentS: 7, ms: 0.2 }],
      timeline: [tl(22, 3)],
      faultStartS: 5,
      faultEndS: 20,
      faultInjected: true,
    });
    expect(report.failFastMs).toMatchObject({ count: 1, max: 0.2 });
    expect(report.inFlightAtOpenMs).toMatchObject({ count: 1 });
    expect(report.inFlightAtOpenMs?.max).toBeGreaterThan(8000);
  });

  it('calls it recovered once no breaker is open and clean replies flow, listing breakers left half-open without traffic', () => {
    const rg = (t: number, small: number, large: number, gw: number): SignalSample => ({
      t,
      services: { gateway: { up: true, breakers: { 'response-generator': gw } }, 'response-generator': { up: true, breakers: { 'llm:small': small, 'llm:large': large } } },
    });
    const samples = [rg(4, 0, 0, 0), rg(6, 2, 2, 0), rg(7, 2, 2, 2), rg(36, 1, 1, 2), rg(37, 1, 1, 1), rg(38, 1, 0, 0), rg(60, 1, 0, 0)];
    const report = analyseBreaker({ samples, failFast: [], timeline: [tl(30, 0), tl(38, 0), tl(39, 1)], faultStartS: 5, faultEndS: 20, faultInjected: true });
    expect(report.openIntervals).toEqual([{ startS: 6, endS: 37 }]);
    expect(report.closedAtS).toBeUndefined();
    expect(report.recoveredAtS).toBe(39);
    expect(report.halfOpenAtEnd).toEqual(['response-generator/llm:small']);
  });

  it('does not call it recovered while the breaker stays open', () => {
    const report = analyseBreaker({
      samples: [state(6, 2), state(30, 2)],
      failFast: [],
      timeline: [tl(31, 5)],
      faultStartS: 5,
      faultEndS: 20,
      faultInjected: true,
    });
    expect(report.closedAtS).toBeUndefined();
    expect(report.recoveredAtS).toBeUndefined();
  });
});

describe('memory and cost', () => {
  it('measures RSS growth after the warm-up and its slope', () => {
    const samples = Array.from({ length: 300 }, (_, i) => sample(i, { up: true, rssBytes: 100_000_000 + (i >= 60 ? (i - 60) * 100_000 : 0) }));
    const m = memoryTrends(samples)['gateway'];
    expect(m?.growthPct).toBeGreaterThan(15);
    expect(m?.slopeMbPerHour).toBeCloseTo((100_000 * 3600) / 1048576, 0);
  });

  it('reports flat memory as no growth', () => {
    const samples = Array.from({ length: 300 }, (_, i) => sample(i, { up: true, rssBytes: 80_000_000 + (i % 2) * 1000 }));
    expect(memoryTrends(samples)['gateway']?.growthPct).toBeLessThan(0.1);
  });

  it('sums LLM cost growth over services and returns null without the metric', () => {
    const samples: SignalSample[] = [
      { t: 0, services: { a: { up: true, llmCostUsd: 1 }, b: { up: true, llmCostUsd: 0 } } },
      { t: 1, services: { a: { up: true, llmCostUsd: 1.5 }, b: { up: true, llmCostUsd: 0.25 } } },
    ];
    expect(costDelta(samples)).toBeCloseTo(0.75);
    expect(costDelta([sample(0, { up: true })])).toBeNull();
  });
});
