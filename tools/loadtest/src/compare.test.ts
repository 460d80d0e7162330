import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { bootstrapRatioCi, compareResults, DEFAULT_THRESHOLDS, parseThresholds } from './compare.js';
import { LatencyHistogram } from './histogram.js';
import { createRandom } from './messages.js';
import { sampleResult, scaleStats } from './testing/index.js';

const base = sampleResult();
const slower = (k: number) => sampleResult({ latencyMs: scaleStats(base.latencyMs, k) });

/** A result whose latency block and stored histogram come from these turn latencies (ms). */
function measured(values: readonly number[]) {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return sampleResult({ latencyMs: h.stats(), histograms: { latency: h.encode(), serviceTime: h.encode() } });
}
/** Lognormal latencies like the LLM emulator's (p50 450 ms, p95 1800 ms), seeded. */
function lognormal(n: number, seed: number, k = 1): number[] {
  const random = createRandom(seed);
  const sigma = Math.log(4) / 1.645;
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return k * 450 * Math.exp(sigma * z);
  });
}

describe('compare', () => {
  it('flags a synthetic 2× latency regression on p95 and p99', () => {
    const v = compareResults(base, slower(2));
    expect(v.regression).toBe(true);
    expect(v.rows.filter((r) => r.regression).map((r) => r.metric)).toEqual(['p95 latency (ms)', 'p99 latency (ms)']);
    expect(v.rows[0]?.change).toBe('+100.0 %');
  });

  it('does not flag an equal result', () => {
    const v = compareResults(base, sampleResult());
    expect(v.regression).toBe(false);
    expect(v.rows.every((r) => !r.regression)).toBe(true);
  });

  it('tolerates changes inside the thresholds and flags them outside', () => {
    expect(compareResults(base, slower(1.19)).regression).toBe(false);
    expect(compareResults(base, slower(1.21)).regression).toBe(true);
  });

  it('flags an error-rate rise above 0.1 pp, a throughput drop above 10 % and a cost rise above 10 %', () => {
    const errors = sampleResult({ totals: { ...base.totals, errors: 3, errorRate: 0.003 } });
    const thr = sampleResult({ totals: { ...base.totals, throughputRps: 0.44 } });
    const cost = sampleResult({ costPerConversationUsd: 0.0023 });
    const flagged = (r: ReturnType<typeof sampleResult>) => compareResults(base, r).rows.filter((x) => x.regression).map((x) => x.metric);
    expect(flagged(errors)).toEqual(['error rate (%)']);
    expect(flagged(thr)).toEqual(['throughput (ok/s)']);
    expect(flagged(cost)).toEqual(['cost per conversation (USD)']);
  });

  it('skips cost when a run did not measure it', () => {
    const v = compareResults(base, sampleResult({ costPerConversationUsd: null }));
    expect(v.rows.find((r) => r.metric.startsWith('cost'))).toMatchObject({ regression: false, note: 'not measured in both runs' });
  });

  it('reads custom thresholds', () => {
    expect(parseThresholds('p95=50,errorRate=1pp,throughput=5%')).toEqual({ ...DEFAULT_THRESHOLDS, p95Pct: 50, errorRatePp: 1, throughputPct: 5 });
    expect(compareResults(base, slower(1.4), parseThresholds('p95=50,p99=50')).regression).toBe(false);
    expect(() => parseThresholds('latency=3')).toThrow(/cannot read "latency=3"/);
    expect(() => parseThresholds('p95')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('with the stored histograms, calls a 2× slower run a significant regression (bootstrap interval above 1)', () => {
    const v = compareResults(measured(lognormal(300, 1)), measured(lognormal(300, 2, 2)));
    expect(v.regression).toBe(true);
    const p95 = v.rows[0];
    expect(p95).toMatchObject({ regression: true, significant: true });
    expect(p95?.ratioCi?.low).toBeGreaterThan(1.2);
    expect(p95?.change).toMatch(/^\+\d+\.\d % \(90 % CI ×\d\.\d\d–×\d\.\d\d\)$/);
    expect(v.notes.join(' ')).not.toContain('sampling noise');
  });

  it('still flags a breach of the threshold that lies within sampling noise, but says it is not significant', () => {
    // 30 turns each, the same except the two slowest: the p95 (= 29th value) more than doubles
    const few = Array.from({ length: 30 }, (_, i) => 100 * (i + 1));
    const v = compareResults(measured(few), measured([...few.slice(0, 28), 6000, 9000]));
    expect(v.regression).toBe(true);
    expect(v.rows[0]).toMatchObject({ regression: true, significant: false, note: 'not significant: the interval includes no change' });
    expect(v.notes.join(' ')).toContain('may be sampling noise');
  });

  it('gives two samples of the same distribution a p95 interval around 1, and calls a p99 breach from the tail noise', () => {
    const v = compareResults(measured(lognormal(2000, 3)), measured(lognormal(2000, 4)));
    const [p95, p99] = v.rows;
    expect(p95).toMatchObject({ regression: false, significant: false });
    expect(p95?.ratioCi?.low).toBeLessThan(1);
    expect(p95?.ratioCi?.high).toBeGreaterThan(1);
    // the emulator's heavy tail moves a p99 by > 20 % between two draws of 2000: flagged, but marked as noise
    expect(p99).toMatchObject({ regression: true, significant: false });
  });

  it('bootstraps the ratio of a percentile reproducibly', () => {
    const a = Float64Array.from(lognormal(200, 5));
    const b = Float64Array.from(lognormal(200, 6, 2));
    expect(bootstrapRatioCi(a, b, 95)).toEqual(bootstrapRatioCi(a, b, 95));
    expect(bootstrapRatioCi(a, new Float64Array(), 95)).toBeUndefined();
  });

  it('notes runs of different scenarios or machines', () => {
    const other = sampleResult({ scenario: { ...base.scenario, name: 'sustained' }, environment: { ...base.environment, cpus: 8 } });
    expect(compareResults(base, other).notes.join(' ')).toMatch(/Different scenarios.*Different machines/);
  });
});

describe('compare CLI', () => {
  let dir: string;
  const out: string[] = [];
  const io = () => ({ stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), isTTY: false, cwd: dir, env: {} });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadtest-compare-'));
    out.length = 0;
    await writeFile(join(dir, 'base.json'), JSON.stringify(base));
    await writeFile(join(dir, 'same.json'), JSON.stringify(sampleResult()));
    await writeFile(join(dir, 'slow.json'), JSON.stringify(slower(2)));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('exits 1 on a regression and 0 without one', async () => {
    expect(await runCli(['compare', 'base.json', 'slow.json', '--md', 'cmp.md'], io())).toBe(1);
    expect(out.join('')).toContain('VERDICT: REGRESSION');
    out.length = 0;
    expect(await runCli(['compare', 'base.json', 'same.json'], io())).toBe(0);
    expect(out.join('')).toContain('VERDICT: no regression');
  });

  it('exits 2 with a clear message for a file that is not a result', async () => {
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ schemaVersion: 2 }));
    expect(await runCli(['compare', 'base.json', 'bad.json'], io())).toBe(2);
    expect(out.join('')).toContain('schemaVersion 2 is not supported');
  });
});
