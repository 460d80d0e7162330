import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'capacity-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: root });
  return { code, out, err };
}

describe('npm run simulate -- --scenario', () => {
  it('writes { timeline: [ { t, replicas, desired } ] } for a scenario file', () => {
    const output = join(dir, 'out.json');
    const r = cli('--scenario', 'scenarios/k8s-docs-scale-down-policies.json', '--output', output);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/81 points, peak 72 replicas, final 10/);
    const written = JSON.parse(readFileSync(output, 'utf8')) as { timeline: Record<string, number>[] };
    expect(Object.keys(written)).toEqual(['timeline']);
    expect(written.timeline[0]).toEqual({ t: 0, replicas: 72, desired: 10 });
    expect(Object.keys(written.timeline[1])).toEqual(['t', 'replicas', 'desired']);
  });

  it('answers a malformed scenario with the field at fault and exit code 2', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ stepSeconds: 15, durationSeconds: 60, initialReplicas: 1, hpa: { maxReplicas: 0 }, metrics: [{ type: 'AverageValue', target: 1, load: [[0, 1]] }] }));
    const r = cli('--scenario', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/hpa\.maxReplicas: Too small/);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{');
    expect(cli('--scenario', notJson).err).toMatch(/cannot read JSON/);
  });
});

describe('npm run simulate -- --manifests', () => {
  it('prints peak replicas, p95, cost per service, the total and the verdict, and writes JSON and self-contained HTML', () => {
    const csv = join(dir, 'load.csv');
    writeFileSync(csv, 't,rps\n0,2\n1800,8\n3600,1\n');
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const r = cli('--manifests', 'fixtures/prod', '--profile', csv, '--output', json, '--html', html);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/response-generator\s+1\s+3\s+\d+/);
    expect(r.out).toMatch(/total monthly cost \(Azure Container Apps list prices, eastus\): \$\d+\.\d\d/);
    expect(r.out).toMatch(/verdict: budget (HOLDS|EXCEEDED) \(\$\d+\/month vs \$310–360\); SLO p95 < 2 s (HOLDS|BROKEN)/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { version: number; services: unknown[]; timeline: { t: number[] } };
    expect(report.version).toBe(1);
    expect(report.services).toHaveLength(8);
    expect(report.timeline.t.length).toBeGreaterThan(100);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/<svg /g)?.length).toBe(5);
    expect(page).not.toMatch(/<script|https?:\/\/(?!azure\.microsoft|learn\.microsoft)[^"\s]*\.(js|css)/);
  });

  it('rejects unknown profiles, missing files, bad flags and mixed modes with a message and exit code 2', () => {
    expect(cli('--manifests', 'fixtures/prod', '--profile', 'monthly')).toMatchObject({ code: 2, err: expect.stringMatching(/--profile "monthly": expected weekly, black-friday/) });
    expect(cli('--manifests', 'no/such/dir', '--profile', 'weekly')).toMatchObject({ code: 2, err: expect.stringMatching(/not found/) });
    expect(cli('--manifests', 'fixtures/prod')).toMatchObject({ code: 2, err: expect.stringMatching(/needs --profile/) });
    expect(cli('--scenario', 'a.json', '--manifests', 'b')).toMatchObject({ code: 2, err: expect.stringMatching(/give one/) });
    expect(cli('--manifests', 'fixtures/prod', '--profile', 'weekly', '--step', 'fast')).toMatchObject({ code: 2, err: expect.stringMatching(/--step: --step must be a whole number/) });
    expect(cli('--frobnicate')).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown option '--frobnicate'/) });
    expect(cli()).toMatchObject({ code: 2 });
    expect(cli('--help')).toMatchObject({ code: 0, out: expect.stringMatching(/--scenario file.json/) });
  });

  it('reads a bench cost model and rejects one in the wrong shape', () => {
    const model = join(dir, 'bench.json');
    writeFileSync(model, JSON.stringify({ services: { 'response-generator': { p50Ms: 200, p95Ms: 600, cpuMsPerRequest: 3 } } }));
    const csv = join(dir, 'flat.csv');
    writeFileSync(csv, '0,1\n600,1\n');
    const ok = cli('--manifests', 'fixtures/prod', '--profile', csv, '--cost-model', model);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/service times: .*bench\.json/);
    expect(ok.out).toMatch(/response-generator.*600 ms/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ results: [] }));
    expect(cli('--manifests', 'fixtures/prod', '--profile', csv, '--cost-model', wrong)).toMatchObject({ code: 2, err: expect.stringMatching(/needs "services"/) });
  });
});
