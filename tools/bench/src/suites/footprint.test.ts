import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SERVICE_NODE_FLAGS } from '../dev.js';
import { CONTAINER_COMMAND, containerCommand, failureLine, judgeGrowth, slopePerMinute } from './footprint.js';

const series = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ t: i * 10, v: f(i) }));

describe('RSS growth verdict', () => {
  it('computes a least-squares slope per minute', () => {
    expect(slopePerMinute([[0, 100], [60, 102], [120, 104]])).toBeCloseTo(2, 6);
    expect(slopePerMinute([[0, 5]])).toBe(0);
  });

  it('sees no trend in a flat garbage-collection sawtooth', () => {
    const r = judgeGrowth(series(60, (i) => 100 + (i % 6) * 2));
    expect(r.growthTrend).toBe(false);
    expect(Math.abs(r.slopeMiBPerMin)).toBeLessThan(1);
  });

  it('flags steady growth after warm-up', () => {
    // 10 minutes, +0.5 MiB every 10 s = 3 MiB/min.
    const r = judgeGrowth(series(60, (i) => 100 + i * 0.5));
    expect(r.growthTrend).toBe(true);
    expect(r.slopeMiBPerMin).toBeCloseTo(3, 1);
    expect(r).toMatchObject({ startMiB: 100, endMiB: 129.5, maxMiB: 129.5 });
  });

  it('ignores growth confined to the warm-up third', () => {
    const r = judgeGrowth(series(60, (i) => (i < 20 ? 80 + i : 100)));
    expect(r.growthTrend).toBe(false);
  });
});

describe('start failure summary', () => {
  it('picks the last warning or error line a failed start printed', () => {
    expect(
      failureLine([
        '{"level":"info","msg":"starting"}',
        '{"level":"warn","msg":"no speech-to-text engine"}',
        '{"level":"info","msg":"listening"}',
      ]),
    ).toBe('{"level":"warn","msg":"no speech-to-text engine"}');
    expect(failureLine(['Error: ENOENT: no such file or directory, open \'/package.json\'', '    at readFileSync (node:fs:440:20)'])).toBe(
      "Error: ENOENT: no such file or directory, open '/package.json'",
    );
    expect(failureLine([])).toBeUndefined();
  });
});

describe('the container command the footprint suite measures', () => {
  const dockerfile = readFileSync(path.join(REPO_ROOT, 'infra/docker/Dockerfile'), 'utf8');
  const imageEnv = (name: string) => new RegExp(`^ENV ${name}="?([^"\\n]*)"?$`, 'm').exec(dockerfile)?.[1];

  it("is the image's: node with its CMD arguments (the services' V8 flags, then main.mjs) and NODE_ENV, no source maps", () => {
    const cmd = containerCommand('/tmp/x/gateway/main.mjs');
    expect(cmd.args).toEqual([...SERVICE_NODE_FLAGS, '/tmp/x/gateway/main.mjs']);
    expect(cmd.env).toEqual({ NODE_ENV: 'production', NODE_OPTIONS: '' });
    expect(imageEnv('NODE_ENV')).toBe(cmd.env.NODE_ENV);
    expect(imageEnv('NODE_OPTIONS')).toBeUndefined();
    const imageCmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(imageCmd).toEqual([...SERVICE_NODE_FLAGS, 'main.mjs']);
    expect(CONTAINER_COMMAND).toBe(`node ${imageCmd.join(' ')}`);
  });

  it('turns source maps on only for the diagnostic start, with the same arguments', () => {
    const cmd = containerCommand('/tmp/x/gateway/main.mjs', { sourceMaps: true });
    expect(cmd.args).toEqual([...SERVICE_NODE_FLAGS, '/tmp/x/gateway/main.mjs']);
    expect(cmd.env).toEqual({ NODE_ENV: 'production', NODE_OPTIONS: '--enable-source-maps' });
  });

  it('is the one the README names', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'tools/bench/README.md'), 'utf8');
    expect(readme).toContain(CONTAINER_COMMAND);
    expect(readme).not.toContain('node --enable-source-maps main.mjs');
  });
});
