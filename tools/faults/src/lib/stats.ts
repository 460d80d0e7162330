/** The p-th percentile (0..100, nearest rank) of `values`; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** Least-squares slope of y over x (0 for fewer than two points or no spread in x). */
/**
 * Whether a series rises throughout: split into `segments` equal parts, the median of each part is above the one
 * before. A leak (memory kept per unit of work) rises in every part; a one-off step (V8 enlarging or shrinking a heap
 * space) lifts or lowers a single boundary and leaves the other parts level, and sawtooth noise is flattened by the medians.
 */
export function risesThroughout(values: readonly number[], segments = 4): boolean {
  if (segments < 2 || values.length < segments * 2) return false;
  const size = values.length / segments;
  const medians = Array.from({ length: segments }, (_, k) => {
    const part = values.slice(Math.round(k * size), Math.round((k + 1) * size)).sort((a, b) => a - b);
    return part[Math.floor(part.length / 2)] as number;
  });
  return medians.every((m, k) => k === 0 || m > (medians[k - 1] as number));
}

/** Theil–Sen slope: the median of the slopes between every pair of points (robust to a step or a few outliers). */
export function theilSen(points: readonly { x: number; y: number }[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const a = points[i] as { x: number; y: number };
      const b = points[j] as { x: number; y: number };
      if (b.x !== a.x) slopes.push((b.y - a.y) / (b.x - a.x));
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((u, v) => u - v);
  const mid = slopes.length / 2;
  return Number.isInteger(mid) ? ((slopes[mid - 1] as number) + (slopes[mid] as number)) / 2 : (slopes[Math.floor(mid)] as number);
}

export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it returns a defined value or `timeoutMs` passes. */
export async function until<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 100): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() >= deadline) return undefined;
    await sleep(everyMs);
  }
}
