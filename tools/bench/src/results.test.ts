import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BenchResultsSchema, fileStamp, writeResults } from './results.js';
import { sampleResults, withGatewayFootprint } from './testing/fixtures.js';

describe('results writer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bench-results-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one file per suite, latest.json and latest.md', () => {
    const files = writeResults(dir, sampleResults(), '# table\n');
    expect(readdirSync(dir).sort()).toEqual(
      [
        '2026-11-23T08-10-00Z-cache.json',
        '2026-11-23T08-10-00Z-capacity.json',
        '2026-11-23T08-10-00Z-footprint.json',
        '2026-11-23T08-10-00Z-hop.json',
        '2026-11-23T08-10-00Z-pipeline.json',
        'latest.json',
        'latest.md',
      ].sort(),
    );
    expect(readFileSync(files.latestMd, 'utf8')).toBe('# table\n');
  });

  it('latest.json round-trips through the versioned schema with machine and cost model', () => {
    writeResults(dir, sampleResults(), 'x');
    const parsed = BenchResultsSchema.parse(JSON.parse(readFileSync(path.join(dir, 'latest.json'), 'utf8')));
    expect(parsed.schema).toBe('supportmesh.bench/v2');
    expect(parsed.machine.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(parsed.costModel?.services['gateway']?.cpuMsPerRequest).toBe(2);
  });

  it('a per-suite file holds that suite only, with the machine (and the cost model beside the pipeline)', () => {
    writeResults(dir, sampleResults(), 'x');
    const hop = JSON.parse(readFileSync(path.join(dir, '2026-11-23T08-10-00Z-hop.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(hop['suites'] as object)).toEqual(['hop']);
    expect(hop['machine']).toMatchObject({ cores: 2 });
    expect(hop['costModel']).toBeUndefined();
    const pipeline = JSON.parse(readFileSync(path.join(dir, '2026-11-23T08-10-00Z-pipeline.json'), 'utf8')) as Record<string, unknown>;
    expect(pipeline['costModel']).toMatchObject({ turns: 1000 });
  });

  it('names quick-run files so they never pass for full runs', () => {
    writeResults(dir, { ...sampleResults(), mode: 'quick', suites: { hop: { error: 'skipped' } } }, 'x');
    expect(readdirSync(dir)).toContain('2026-11-23T08-10-00Z-quick-hop.json');
  });

  it('refuses results that do not match the schema and writes nothing', () => {
    const bad = sampleResults();
    (bad.machine as { cores: number }).cores = 0;
    expect(() => writeResults(dir, bad, 'x')).toThrow(/machine\.cores/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the bundle\'s source-map start (v2) and refuses v1 files, whose bundle was started with source maps', () => {
    const r = withGatewayFootprint((gateway) => ({ ...gateway, bundleWithSourceMaps: { coldStartMs: [900], coldStartMedianMs: 900, idleRssMiB: 140 } }));
    writeResults(dir, r, 'x');
    const parsed = BenchResultsSchema.parse(JSON.parse(readFileSync(path.join(dir, 'latest.json'), 'utf8')));
    const footprint = parsed.suites.footprint as Extract<NonNullable<typeof parsed.suites.footprint>, { services: unknown }>;
    expect(footprint.services['gateway']?.bundleWithSourceMaps).toEqual({ coldStartMs: [900], coldStartMedianMs: 900, idleRssMiB: 140 });
    expect(BenchResultsSchema.safeParse({ ...sampleResults(), schema: 'supportmesh.bench/v1' }).success).toBe(false);
  });

  it('makes the ISO start time safe for file names', () => {
    expect(fileStamp('2026-11-23T08:10:00.123Z')).toBe('2026-11-23T08-10-00Z');
  });
});
