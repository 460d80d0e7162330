import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleService } from '../scripts/bundle.mjs';
import { APP_SERVICES } from './catalogue.js';

/**
 * Each app's esbuild bundle starts with plain `node` (what the image runs as PID 1) and answers /health.
 * Apps without `src/main.ts` yet are skipped.
 */
const repoRoot = new URL('../../', import.meta.url).pathname;
const present = APP_SERVICES.filter((s) => existsSync(join(repoRoot, 'apps', s, 'src', 'main.ts')));
const workDir = mkdtempSync(join(tmpdir(), 'supportmesh-bundles-'));
const children: ChildProcess[] = [];

/**
 * The port the bundle reports in its `listening` log line: it binds port 0 itself, so no other process of a
 * parallel test can take the port between a pick and the bind (and answer the probe in its place).
 */
async function reportedPort(child: ChildProcess, deadlineMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    let buffered = '';
    const timer = setTimeout(() => done(undefined), deadlineMs);
    const onData = (d: Buffer): void => {
      buffered += d.toString();
      const m = /"port":(\d+)[^\n]*"msg":"listening"|"msg":"listening"[^\n]*"port":(\d+)/.exec(buffered);
      if (m) done(Number(m[1] ?? m[2]));
    };
    const done = (port: number | undefined): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      resolve(port);
    };
    const onExit = (): void => done(undefined);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function healthy(url: string, deadlineMs: number): Promise<number | undefined> {
  for (const end = Date.now() + deadlineMs; Date.now() < end; ) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      return res.status;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return undefined;
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});

describe.skipIf(present.length === 0)('service bundles that exist', () => {
  // One at a time: eight esbuild runs and eight Node start-ups at once overload a 2-core CI machine.
  it.each(present)('%s starts from its bundle with plain node and serves /health', async (service) => {
    const outfile = await bundleService(service, { outDir: join(workDir, service), quiet: true });
    expect(outfile).toBeDefined();
    let log = '';
    const child = spawn(process.execPath, [outfile!], {
      cwd: join(workDir, service),
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'production',
        SUPPORTMESH_ENV: 'local',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
        LLM_ENDPOINT: 'http://127.0.0.1:9/v1',
        LLM_API_KEY: 'local-emulator-key',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const port = await reportedPort(child, 45_000);
    expect(port, log.slice(-2000)).toBeGreaterThan(0);
    const status = await healthy(`http://127.0.0.1:${port}/health`, 15_000);
    child.kill('SIGTERM');
    expect(status, log.slice(-2000)).toBe(200);
  }, 60_000);
});

describe('bundle script', () => {
  it('skips services whose entrypoint does not exist yet', async () => {
    const missing = APP_SERVICES.find((s) => !present.includes(s));
    if (missing === undefined) return;
    expect(await bundleService(missing, { outDir: join(workDir, 'missing'), quiet: true })).toBeUndefined();
  });
});
