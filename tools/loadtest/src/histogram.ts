import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencyStats } from './result-schema.js';

/** Values are recorded in microseconds so sub-millisecond fail-fast latencies keep their resolution. */
const MICROS_PER_MS = 1000;

/**
 * An HdrHistogram of latencies in milliseconds (pure-JS build, 3 significant digits, auto-resizing).
 * Percentiles are exact to 0.1 % of the value, independent of the number of samples.
 */
export class LatencyHistogram {
  private readonly h: Histogram = build({
    useWebAssembly: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10 * 60 * 1_000_000,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one latency in ms (negative values are clamped to 0). */
  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.h.recordValue(Math.max(1, Math.round(Math.max(0, ms) * MICROS_PER_MS)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Latency at a percentile (0..100) in ms; 0 when empty. */
  percentile(p: number): number {
    return this.count === 0 ? 0 : this.at(p) / MICROS_PER_MS;
  }

  /** The `rank`-th smallest value in ms (1 = min, count = max); 0 when out of range. */
  valueAtRank(rank: number): number {
    if (rank < 1 || rank > this.count) return 0;
    return this.at((rank / this.count) * 100) / MICROS_PER_MS;
  }

  add(other: LatencyHistogram): void {
    this.h.add(other.h);
  }

  reset(): void {
    this.h.reset();
  }

  stats(): LatencyStats {
    if (this.count === 0) return emptyStats();
    const ms = (v: number) => round3(v / MICROS_PER_MS);
    return {
      count: this.count,
      min: ms(this.h.minNonZeroValue),
      mean: ms(this.h.mean),
      p50: ms(this.at(50)),
      p90: ms(this.at(90)),
      p95: ms(this.at(95)),
      p99: ms(this.at(99)),
      p999: ms(this.at(99.9)),
      max: ms(this.h.maxValue),
    };
  }

  /** HdrHistogram reports the top of a value's bucket; never report more than the largest value seen. */
  private at(p: number): number {
    return Math.min(this.h.getValueAtPercentile(p), this.h.maxValue);
  }

  /** Compressed base64 HdrHistogram V2 encoding (values in µs), for re-analysis with any HdrHistogram tool. */
  encode(): string {
    return encodeIntoCompressedBase64(this.h);
  }
}

/**
 * The recorded values of a compressed histogram (from {@link LatencyHistogram.encode}) as a sorted sample in ms, one
 * value per rank (to the histogram's 3 significant digits). Above `maxPoints` samples it returns `maxPoints` evenly
 * spaced quantiles instead, which keeps resampling cheap and only makes a bootstrap more conservative.
 */
export function decodeSample(encoded: string, maxPoints = 5000): Float64Array {
  const h = decodeFromCompressedBase64(encoded, 32, false);
  const n = h.totalCount;
  const points = Math.min(n, maxPoints);
  const out = new Float64Array(points);
  for (let i = 1; i <= points; i++) out[i - 1] = Math.min(h.getValueAtPercentile((i / points) * 100), h.maxValue) / MICROS_PER_MS;
  h.destroy();
  return out;
}

export function emptyStats(): LatencyStats {
  return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
