import { describe, expect, it } from 'vitest';
import { createLatencySampler, parseLatency } from './latency.js';
import { mulberry32 } from './prng.js';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

describe('latency model', () => {
  it('samples lognormal delays whose p50 and p95 match the configuration', () => {
    const sample = createLatencySampler({ mode: 'lognormal', p50Ms: 450, p95Ms: 1800 }, mulberry32(7));
    const values = Array.from({ length: 20_000 }, sample).sort((a, b) => a - b);
    expect(percentile(values, 0.5)).toBeGreaterThan(450 * 0.95);
    expect(percentile(values, 0.5)).toBeLessThan(450 * 1.05);
    expect(percentile(values, 0.95)).toBeGreaterThan(1800 * 0.92);
    expect(percentile(values, 0.95)).toBeLessThan(1800 * 1.08);
  });

  it('repeats the same delays for the same seed', () => {
    const a = createLatencySampler({ mode: 'lognormal', p50Ms: 100, p95Ms: 400 }, mulberry32(1));
    const b = createLatencySampler({ mode: 'lognormal', p50Ms: 100, p95Ms: 400 }, mulberry32(1));
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });

  it('waits nothing without a configuration and exactly `ms` when fixed', () => {
    expect(createLatencySampler(undefined, mulberry32(1))()).toBe(0);
    expect(createLatencySampler({ mode: 'fixed', ms: 250 }, mulberry32(1))()).toBe(250);
  });

  it('parses fixed:MS and lognormal:P50:P95 and rejects anything else', () => {
    expect(parseLatency('fixed:0')).toEqual({ mode: 'fixed', ms: 0 });
    expect(parseLatency('lognormal:450:1800')).toEqual({ mode: 'lognormal', p50Ms: 450, p95Ms: 1800 });
    for (const bad of ['fixed', 'fixed:-1', 'lognormal:500:100', 'lognormal:0:10', 'uniform:1:2', 'fixed:abc']) {
      expect(() => parseLatency(bad), bad).toThrow(/invalid latency/);
    }
  });
});
