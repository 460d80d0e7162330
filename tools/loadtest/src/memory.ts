import type { MemoryTrend, SignalSample } from './result-schema.js';

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * RSS trend per service after a warm-up: growth between the median of the first and last 10 % of the
 * samples, and the least-squares slope in MB per hour.
 */
export function memoryTrends(samples: readonly SignalSample[], warmupS = 60): Record<string, MemoryTrend> {
  const series = new Map<string, { t: number; v: number }[]>();
  for (const s of samples) {
    for (const [name, sig] of Object.entries(s.services)) {
      if (sig.rssBytes === undefined) continue;
      const list = series.get(name) ?? [];
      series.set(name, list);
      list.push({ t: s.t, v: sig.rssBytes });
    }
  }
  const out: Record<string, MemoryTrend> = {};
  for (const [name, all] of series) {
    const lastT = all.at(-1)?.t ?? 0;
    const points = lastT >= warmupS * 2 ? all.filter((p) => p.t >= warmupS) : all;
    if (points.length < 2) continue;
    const k = Math.max(1, Math.floor(points.length / 10));
    const first = median(points.slice(0, k).map((p) => p.v));
    const last = median(points.slice(-k).map((p) => p.v));
    const mt = points.reduce((a, p) => a + p.t, 0) / points.length;
    const mv = points.reduce((a, p) => a + p.v, 0) / points.length;
    const sxx = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
    const sxy = points.reduce((a, p) => a + (p.t - mt) * (p.v - mv), 0);
    const slopeBytesPerS = sxx > 0 ? sxy / sxx : 0;
    out[name] = {
      firstBytes: first,
      lastBytes: last,
      peakBytes: Math.max(...points.map((p) => p.v)),
      growthPct: first > 0 ? Math.round(((last - first) / first) * 10000) / 100 : 0,
      slopeMbPerHour: Math.round(((slopeBytesPerS * 3600) / 1048576) * 100) / 100,
    };
  }
  return out;
}
