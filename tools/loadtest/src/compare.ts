import { decodeSample } from './histogram.js';
import { createRandom } from './messages.js';
import type { LoadTestResult } from './result-schema.js';
import { UsageError } from './usage-error.js';

/** Regression limits: relative changes in percent, the error rate in percentage points. */
export interface CompareThresholds {
  /** p95 may grow by this many percent. @default 20 */
  readonly p95Pct: number;
  /** p99 may grow by this many percent. @default 20 */
  readonly p99Pct: number;
  /** Error rate may grow by this many percentage points. @default 0.1 */
  readonly errorRatePp: number;
  /** Throughput may drop by this many percent. @default 10 */
  readonly throughputPct: number;
  /** Cost per conversation may grow by this many percent. @default 10 */
  readonly costPct: number;
}

export const DEFAULT_THRESHOLDS: CompareThresholds = { p95Pct: 20, p99Pct: 20, errorRatePp: 0.1, throughputPct: 10, costPct: 10 };

const KEYS: Readonly<Record<string, keyof CompareThresholds>> = {
  p95: 'p95Pct',
  p99: 'p99Pct',
  errorrate: 'errorRatePp',
  errors: 'errorRatePp',
  throughput: 'throughputPct',
  cost: 'costPct',
  costperconversation: 'costPct',
};

/** Parses `p95=20,p99=25,errorRate=0.2,throughput=5,cost=15` (a trailing `%` or `pp` is accepted). */
export function parseThresholds(spec: string | undefined, base: CompareThresholds = DEFAULT_THRESHOLDS): CompareThresholds {
  const out: Record<keyof CompareThresholds, number> = { ...base };
  for (const part of (spec ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-zA-Z0-9]+)\s*=\s*([0-9]*\.?[0-9]+)\s*(%|pp)?$/.exec(part);
    const key = m ? KEYS[(m[1] as string).toLowerCase()] : undefined;
    if (!m || !key) {
      throw new UsageError(`--thresholds: cannot read "${part}" (expected e.g. p95=20,p99=20,errorRate=0.1,throughput=10,cost=10)`);
    }
    out[key] = Number(m[2]);
  }
  return out;
}

export interface CompareRow {
  readonly metric: string;
  readonly base: number | null;
  readonly current: number | null;
  /** Human-readable change, e.g. `+100.0 %` or `+0.20 pp`. */
  readonly change: string;
  /** Human-readable limit, e.g. `≤ +20 %`. */
  readonly limit: string;
  readonly regression: boolean;
  readonly note?: string;
  /**
   * Latency rows, when both results carry their histograms: the 90 % bootstrap confidence interval of the ratio
   * current / base of this percentile, and whether it lies entirely above 1 (the growth is not sampling noise).
   */
  readonly ratioCi?: { readonly low: number; readonly high: number };
  readonly significant?: boolean;
}

export interface CompareVerdict {
  readonly regression: boolean;
  readonly rows: readonly CompareRow[];
  readonly notes: readonly string[];
}

const relChange = (base: number, cur: number) => (base === 0 ? (cur === 0 ? 0 : Number.POSITIVE_INFINITY) : ((cur - base) / base) * 100);
const signed = (v: number, unit: string, digits = 1) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(digits)} ${unit}` : 'new');

function growthRow(metric: string, base: number | null, cur: number | null, maxPct: number): CompareRow {
  const limit = `≤ +${maxPct} %`;
  if (base === null || cur === null) return { metric, base, current: cur, change: 'n/a', limit, regression: false, note: 'not measured in both runs' };
  if (base === 0 && cur === 0) return { metric, base, current: cur, change: '±0', limit, regression: false };
  const change = relChange(base, cur);
  return { metric, base, current: cur, change: signed(change, '%'), limit, regression: change > maxPct };
}

const sorted = (a: Float64Array) => a.sort();
const nearestRank = (s: Float64Array, p: number) => s[Math.max(0, Math.ceil((p / 100) * s.length - 1e-9) - 1)] ?? 0;

/**
 * 90 % percentile-bootstrap confidence interval of `percentile(current) / percentile(base)`: both samples are
 * resampled with replacement `iterations` times (seeded, so the verdict is reproducible).
 */
export function bootstrapRatioCi(
  base: Float64Array,
  current: Float64Array,
  percentile: number,
  iterations = 1000,
  seed = 1,
): { low: number; high: number } | undefined {
  if (base.length === 0 || current.length === 0) return undefined;
  const random = createRandom(seed);
  const ratios = new Float64Array(iterations);
  const a = new Float64Array(base.length);
  const b = new Float64Array(current.length);
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < a.length; j++) a[j] = base[Math.floor(random() * base.length)] ?? 0;
    for (let j = 0; j < b.length; j++) b[j] = current[Math.floor(random() * current.length)] ?? 0;
    const pa = nearestRank(sorted(a), percentile);
    ratios[i] = pa > 0 ? nearestRank(sorted(b), percentile) / pa : Number.POSITIVE_INFINITY;
  }
  sorted(ratios);
  return { low: nearestRank(ratios, 5), high: nearestRank(ratios, 95) };
}

const fmtRatio = (v: number) => (Number.isFinite(v) ? `×${v.toFixed(2)}` : '×∞');

/** Adds the bootstrap interval to a latency row (when both runs carry their histograms). */
function withSignificance(row: CompareRow, samples: readonly [Float64Array, Float64Array] | undefined, percentile: number): CompareRow {
  if (!samples || row.base === null || row.current === null) return row;
  const ci = bootstrapRatioCi(samples[0], samples[1], percentile);
  if (!ci) return row;
  const significant = ci.low > 1;
  const change = `${row.change} (90 % CI ${fmtRatio(ci.low)}–${fmtRatio(ci.high)})`;
  return {
    ...row,
    change,
    ratioCi: ci,
    significant,
    ...(row.regression && !significant ? { note: 'not significant: the interval includes no change' } : {}),
  };
}

function latencySamples(base: LoadTestResult, current: LoadTestResult): [Float64Array, Float64Array] | undefined {
  const a = base.histograms?.latency;
  const b = current.histograms?.latency;
  if (!a || !b) return undefined;
  try {
    return [decodeSample(a), decodeSample(b)];
  } catch {
    return undefined;
  }
}

/**
 * Regression verdict of `current` against `base`: latency p95/p99 and cost per conversation may not grow,
 * throughput may not drop, the error rate may not rise by more than the thresholds.
 */
export function compareResults(base: LoadTestResult, current: LoadTestResult, t: CompareThresholds = DEFAULT_THRESHOLDS): CompareVerdict {
  const notes: string[] = [];
  if (base.scenario.name !== current.scenario.name) notes.push(`Different scenarios: ${base.scenario.name} vs ${current.scenario.name}.`);
  if (base.scenario.scale !== current.scenario.scale) notes.push(`Different scales: ×${base.scenario.scale} vs ×${current.scenario.scale}.`);
  if (base.scenario.durationS !== current.scenario.durationS) notes.push(`Different durations: ${base.scenario.durationS} s vs ${current.scenario.durationS} s.`);
  if (base.environment.cpus !== current.environment.cpus || base.environment.node !== current.environment.node) {
    notes.push(`Different machines: ${base.environment.cpus} CPUs/Node ${base.environment.node} vs ${current.environment.cpus} CPUs/Node ${current.environment.node}.`);
  }
  const unique = (r: LoadTestResult) => r.scenario.uniqueMessages;
  if (unique(base) !== unique(current)) {
    const say = (v: boolean | undefined) => (v === undefined ? 'unknown' : v ? 'unique (caches missed)' : 'repeated (caches hit)');
    notes.push(`Different message modes: ${say(unique(base))} vs ${say(unique(current))}; cached replies change latency and cost.`);
  }
  const latency = (r: LoadTestResult, k: 'p95' | 'p99') => (r.latencyMs.count > 0 ? r.latencyMs[k] : null);

  const errDeltaPp = (current.totals.errorRate - base.totals.errorRate) * 100;
  const thrChange = relChange(base.totals.throughputRps, current.totals.throughputRps);
  const samples = latencySamples(base, current);
  const rows: CompareRow[] = [
    withSignificance(growthRow('p95 latency (ms)', latency(base, 'p95'), latency(current, 'p95'), t.p95Pct), samples, 95),
    withSignificance(growthRow('p99 latency (ms)', latency(base, 'p99'), latency(current, 'p99'), t.p99Pct), samples, 99),
    {
      metric: 'error rate (%)',
      base: base.totals.errorRate * 100,
      current: current.totals.errorRate * 100,
      change: signed(errDeltaPp, 'pp', 2),
      limit: `≤ +${t.errorRatePp} pp`,
      // a tiny epsilon keeps float noise (0.1 pp computed as 0.1000000001) from flagging an equal run
      regression: errDeltaPp > t.errorRatePp + 1e-9,
    },
    {
      metric: 'throughput (ok/s)',
      base: base.totals.throughputRps,
      current: current.totals.throughputRps,
      change: base.totals.throughputRps === 0 ? 'n/a' : signed(thrChange, '%'),
      limit: `≥ −${t.throughputPct} %`,
      regression: base.totals.throughputRps > 0 && thrChange < -t.throughputPct,
    },
    growthRow('cost per conversation (USD)', base.costPerConversationUsd, current.costPerConversationUsd, t.costPct),
  ];
  const newlyFailing = current.slos.filter((c) => c.status === 'fail' && base.slos.find((b) => b.id === c.id)?.status === 'pass');
  if (newlyFailing.length) notes.push(`SLOs passing before and failing now: ${newlyFailing.map((s) => s.id).join(', ')}.`);
  const noisy = rows.filter((r) => r.regression && r.significant === false);
  if (noisy.length) {
    notes.push(
      `${noisy.map((r) => r.metric).join(' and ')} grew past the threshold, but the 90 % bootstrap interval of the ratio includes no change ` +
        `(${base.latencyMs.count} vs ${current.latencyMs.count} turns): this may be sampling noise. Still counted as a regression; ` +
        'rerun with more samples (longer --duration or a higher --scale) to tell.',
    );
  }
  return { regression: rows.some((r) => r.regression), rows, notes };
}
