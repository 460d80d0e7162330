/**
 * Fixed log-spaced latency buckets: bucket `i` holds latencies in `(2^((i-1)/8), 2^(i/8)]` ms
 * (bucket 0 holds everything ≤ 1 ms). Eight buckets per doubling keep a percentile read from the
 * buckets within ~9 % of the exact value, in at most {@link MAX_BUCKET} + 1 hash fields.
 */
export const BUCKETS_PER_DOUBLING = 8;
/** 2^(200/8) ms ≈ 9.3 hours: anything slower lands in the last bucket. */
export const MAX_BUCKET = 200;

export function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  const index = Math.ceil(Math.log2(ms) * BUCKETS_PER_DOUBLING - 1e-9);
  return Math.min(MAX_BUCKET, Math.max(0, index));
}

/** The upper bound (ms) of bucket `index`. */
export function bucketUpperBound(index: number): number {
  return 2 ** (index / BUCKETS_PER_DOUBLING);
}

/**
 * The `p`-quantile (0..1) of a bucket histogram: the upper bound of the bucket holding the
 * nearest-rank observation, capped at the largest latency seen. 0 for an empty histogram.
 */
export function percentileFromBuckets(counts: ReadonlyMap<number, number>, p: number, maxObservedMs = Infinity): number {
  const indices = [...counts.keys()].filter((i) => (counts.get(i) ?? 0) > 0).sort((a, b) => a - b);
  const total = indices.reduce((sum, i) => sum + (counts.get(i) ?? 0), 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const i of indices) {
    seen += counts.get(i) ?? 0;
    if (seen >= rank) return Math.min(bucketUpperBound(i), maxObservedMs);
  }
  return Math.min(bucketUpperBound(indices[indices.length - 1] ?? 0), maxObservedMs);
}
