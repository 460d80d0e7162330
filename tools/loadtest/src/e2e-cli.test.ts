import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './cli.js';
import { LoadTestResult } from './result-schema.js';
import { startFakeGateway, type FakeStack } from './testing/index.js';

let dir: string;
let fake: FakeStack;
let stdout: string[];
let stderr: string[];
const io = (over: Partial<CliIo> = {}): CliIo => ({
  stdout: (t) => stdout.push(t),
  stderr: (t) => stderr.push(t),
  isTTY: false,
  cwd: dir,
  env: {},
  ...over,
});
const common = () => ['--endpoint', fake.url, '--api-key', 'test-key', '--services', `gateway=${fake.url}`, '--emulator', fake.emulatorUrl];
const readResult = async (name: string) => LoadTestResult.parse(JSON.parse(await readFile(join(dir, name), 'utf8')));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadtest-e2e-'));
  fake = await startFakeGateway({ apiKey: 'test-key' });
  stdout = [];
  stderr = [];
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('end to end against a stand-in for the gateway (fake HTTP server answering the MessageResponse shape)', () => {
  it('runs an open-model scenario from the CLI and writes JSON, HTML and Markdown', async () => {
    const code = await runCli([...common(), '--scenario', 'pool-stress', '--scale', '4', '--duration', '2', '--output', 'out/pool.json'], io());
    expect(stderr.join('')).not.toContain('error');
    expect(code).toBe(0);

    const r = await readResult('out/pool.json');
    expect(r.scenario).toMatchObject({ name: 'pool-stress', model: 'open', users: 200, rps: 20, scale: 4 });
    expect(r.totals).toMatchObject({ requests: 40, ok: 40, errors: 0, dropped: 0, conversations: 40 });
    expect(r.latencyMs.count).toBe(40);
    expect(Object.keys(r.perHopMs).sort()).toEqual(['classify', 'respond', 'retrieve', 'screen']);
    expect(r.signals.length).toBeGreaterThanOrEqual(2);
    expect(r.signals[0]?.pool?.gateway).toMatchObject({ size: 10, state: 'CLOSED' });
    expect(r.keda.map((k) => k.trigger)).toContain('in-flight-per-pod');
    expect(r.llmCostUsd).toBeGreaterThan(0);
    expect(r.costPerConversationUsd).toBeCloseTo(0.0004, 6);
    expect(r.slos.map((s) => [s.id, s.status])).toEqual([
      ['p95', 'pass'],
      ['error-rate', 'pass'],
    ]);
    // every arrival rotates to its own virtual user (200 identities, 40 arrivals)
    expect(fake.users.size).toBe(40);
    expect([...fake.users].every((u) => /^lt-\d+$/.test(u))).toBe(true);
    // every message carries its own tag, so no LLM cache can answer a repeat of the 22-message catalogue
    expect(new Set(fake.texts).size).toBe(40);
    expect(fake.texts.every((t) => /\S #lt[a-z0-9]{1,6}\d+$/.test(t))).toBe(true);
    expect(r.scenario.uniqueMessages).toBe(true);

    const html = await readFile(join(dir, 'out/pool.html'), 'utf8');
    expect(html).toContain('<svg');
    const md = await readFile(join(dir, 'out/pool.md'), 'utf8');
    expect(md).toContain('# Load test: pool-stress — PASS');
    expect(stdout.join('')).toContain('RESULT: PASS');
    expect(stderr.join('')).not.toContain('\r');
  });

  it('runs a closed-model scenario as multi-turn conversations and draws a live progress line on a TTY', async () => {
    const code = await runCli([...common(), '--scenario', 'baseline', '--scale', '10', '--duration', '2.5', '--output', 'base.json', '--html', 'b.html', '--md', 'b.md'], io({ isTTY: true }));
    expect(code).toBe(0);
    const r = await readResult('base.json');
    expect(r.scenario).toMatchObject({ model: 'closed', users: 50 });
    expect(r.byOperation.create?.count).toBeGreaterThan(5);
    expect(r.byOperation.message?.count).toBeGreaterThan(5);
    expect(r.totals.conversations).toBe(fake.counts.creates);
    expect(Object.keys(r.byClass).length).toBeGreaterThan(0);
    expect(fake.users.size).toBe(r.totals.conversations);
    const ESC = String.fromCharCode(27);
    expect(stderr.join('')).toContain(`\r${ESC}[2K[`);
    expect(stderr.join('')).toMatch(/\[\s+\d+\/2\.5 s\] \d+ req +\d+ ok +0 err/);
  });

  it('sends the catalogue verbatim with --repeat-messages (so the caches can answer repeats) and says so', async () => {
    const code = await runCli([...common(), '--scenario', 'pool-stress', '--scale', '4', '--duration', '2', '--repeat-messages', '--output', 'rep.json'], io());
    expect(code).toBe(0);
    expect(fake.texts).toHaveLength(40);
    expect(fake.texts.some((t) => t.includes('#lt'))).toBe(false);
    expect(new Set(fake.texts).size).toBeLessThan(40);
    const r = await readResult('rep.json');
    expect(r.scenario.uniqueMessages).toBe(false);
    expect(await readFile(join(dir, 'rep.md'), 'utf8')).toContain('catalogue verbatim');
  });

  it('measures a cold start from the process start and says when the first reply was degraded', async () => {
    // the stand-in's "LLM" is down, so its first replies degrade (as the real gateway's did while a service was still starting)
    await fetch(`${fake.emulatorUrl}/admin/faults`, { method: 'POST', body: JSON.stringify({ failAll: true }) });
    const code = await runCli([...common(), '--scenario', 'cold-start', '--duration', '1', '--output', 'cold.json'], io());
    const r = await readResult('cold.json');
    expect(r.coldStart).toMatchObject({ cold: true, firstReplyDegraded: ['respond'] });
    expect(r.coldStart?.firstReplyAfterProcessStartMs).toBeGreaterThan(0);
    expect(r.coldStart?.firstCleanReplyAfterProcessStartMs).toBeUndefined();
    expect(r.notes.join(' ')).toContain('The first reply after the start was degraded (respond)');
    expect(r.slos.find((x) => x.id === 'cold-start')?.status).toBe('pass');
    expect(code).toBe(0);
    expect(await readFile(join(dir, 'cold.md'), 'utf8')).toContain('(degraded: respond)');
  });

  it('exits non-zero with a failing SLO table when the gateway refuses the requests', async () => {
    const code = await runCli(['--endpoint', fake.url, '--api-key', 'wrong', '--services', `gateway=${fake.url}`, '--scenario', 'pool-stress', '--duration', '1', '--output', 'bad.json'], io());
    expect(code).toBe(1);
    const r = await readResult('bad.json');
    expect(r.errors.byCode).toEqual({ UNAUTHORIZED: 5 });
    expect(r.errors.byStatus).toEqual({ '401': 5 });
    expect(stdout.join('')).toMatch(/error rate\s+< 0\.1 %\s+100 % \(5\/5\)\s+FAIL/);
    expect(stdout.join('')).toContain('RESULT: FAIL');
  });

  it('refuses a non-local endpoint and reports an unreachable gateway, both with exit code 2', async () => {
    expect(await runCli(['--endpoint', 'https://api.example.com', '--scenario', 'baseline'], io())).toBe(2);
    expect(stderr.join('')).toContain('only targets this machine');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await runCli(['--endpoint', `http://127.0.0.1:${port}`, '--scenario', 'baseline', '--services', `gateway=http://127.0.0.1:${port}`], io())).toBe(2);
    expect(stderr.join('')).toContain('npm start');
  });

  it('lists the scenarios', async () => {
    expect(await runCli(['list'], io())).toBe(0);
    expect(stdout.join('')).toMatch(/baseline\s+closed\s+60 s\s+5 users\s+0\.5 rps/);
  });
});

