import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.js';

describe('latency histogram', () => {
  it('reports percentiles to 0.1 % and keeps sub-millisecond resolution', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i * 0.01);
    const s = h.stats();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(5, 1);
    expect(s.p99).toBeCloseTo(9.9, 1);
    expect(s.min).toBeCloseTo(0.01, 3);
  });

  it('never reports a percentile above the largest recorded value', () => {
    const h = new LatencyHistogram();
    h.record(79.1);
    const s = h.stats();
    expect(s.p999).toBeLessThanOrEqual(s.max);
    expect(s.p50).toBeLessThanOrEqual(s.max);
  });

  it('finds the value at a rank: with 16 samples the p95 is the maximum and rank 15 the next slowest', () => {
    const h = new LatencyHistogram();
    for (const v of [120, 480, 2230, 300, 1490, 90, 610, 700, 410, 380, 520, 330, 260, 800, 950, 1100]) h.record(v);
    expect(h.stats().p95).toBeCloseTo(2230, -1);
    expect(h.valueAtRank(16)).toBeCloseTo(2230, -1);
    expect(h.valueAtRank(15)).toBeCloseTo(1490, -1);
    expect(h.valueAtRank(1)).toBeCloseTo(90, 0);
    expect(h.valueAtRank(17)).toBe(0);
  });

  it('is all zeros when empty', () => {
    expect(new LatencyHistogram().stats()).toMatchObject({ count: 0, p99: 0, max: 0 });
  });
});
