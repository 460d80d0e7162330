import { describe, expect, it } from 'vitest';
import { bucketOf, bucketUpperBound, MAX_BUCKET, percentileFromBuckets } from './latency-buckets.js';

function histogram(values: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(bucketOf(v), (counts.get(bucketOf(v)) ?? 0) + 1);
  return counts;
}

function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] ?? 0;
}

describe('latency buckets', () => {
  it('puts every latency in the bucket whose upper bound is the first at or above it', () => {
    for (const ms of [0, 0.5, 1, 1.05, 2, 3, 17, 250, 999.9, 1000, 12_345, 600_000]) {
      const b = bucketOf(ms);
      expect(bucketUpperBound(b)).toBeGreaterThanOrEqual(Math.min(ms, bucketUpperBound(MAX_BUCKET)) - 1e-9);
      if (b > 0) expect(bucketUpperBound(b - 1)).toBeLessThan(ms);
    }
  });

  it('clamps absurd latencies into the last bucket', () => {
    expect(bucketOf(1e12)).toBe(MAX_BUCKET);
    expect(bucketOf(Number.NaN)).toBe(0);
  });

  it('reads p50/p95/p99 within 10 % of the exact nearest-rank percentiles', () => {
    const values = Array.from({ length: 5000 }, (_, i) => 20 + ((i * 7919) % 5000) ** 1.3 / 10);
    const counts = histogram(values);
    const max = Math.max(...values);
    for (const p of [0.5, 0.95, 0.99]) {
      const exact = exactPercentile(values, p);
      const estimate = percentileFromBuckets(counts, p, max);
      expect(estimate).toBeGreaterThanOrEqual(exact);
      expect(estimate).toBeLessThanOrEqual(exact * 1.1);
    }
  });

  it('never reports more than the slowest latency seen, and 0 for no data', () => {
    expect(percentileFromBuckets(histogram([100, 101, 102]), 0.99, 102)).toBe(102);
    expect(percentileFromBuckets(new Map(), 0.5)).toBe(0);
  });
});
