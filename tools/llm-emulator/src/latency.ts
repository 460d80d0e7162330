import type { Random } from './prng.js';

/** How long the emulator waits before answering (before the first byte when streaming). */
export type LatencyConfig = { mode: 'fixed'; ms: number } | { mode: 'lognormal'; p50Ms: number; p95Ms: number };

const Z95 = 1.6448536269514722;
const MAX_LATENCY_MS = 120_000;

/** Returns a sampler of delays in ms. Lognormal: mu = ln p50, sigma = (ln p95 − ln p50) / 1.645. */
export function createLatencySampler(config: LatencyConfig | undefined, random: Random): () => number {
  if (!config) return () => 0;
  if (config.mode === 'fixed') {
    const ms = Math.max(0, config.ms);
    return () => ms;
  }
  const p50 = Math.max(1, config.p50Ms);
  const p95 = Math.max(p50, config.p95Ms);
  const mu = Math.log(p50);
  const sigma = (Math.log(p95) - mu) / Z95;
  return () => {
    // Box–Muller on the seeded PRNG (1 - u keeps the log argument in (0, 1]).
    const u1 = 1 - random();
    const u2 = random();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.min(MAX_LATENCY_MS, Math.round(Math.exp(mu + sigma * z)));
  };
}

/** Parses `fixed:MS` or `lognormal:P50:P95` (the `LLM_EMULATOR_LATENCY` format). */
export function parseLatency(spec: string): LatencyConfig {
  const parts = spec.trim().split(':');
  const nums = parts.slice(1).map((p) => Number(p));
  if (parts[0] === 'fixed' && nums.length === 1 && Number.isFinite(nums[0]) && (nums[0] ?? -1) >= 0) {
    return { mode: 'fixed', ms: nums[0] ?? 0 };
  }
  const [p50, p95] = nums;
  if (parts[0] === 'lognormal' && nums.length === 2 && p50 !== undefined && p95 !== undefined && p50 > 0 && p95 >= p50) {
    return { mode: 'lognormal', p50Ms: p50, p95Ms: p95 };
  }
  throw new Error(`invalid latency "${spec}": expected fixed:MS or lognormal:P50:P95 with 0 < P50 <= P95`);
}
