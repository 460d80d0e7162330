import { mkdir, writeFile } from 'node:fs/promises';
import { hostname, cpus, totalmem } from 'node:os';
import path from 'node:path';
import type { ScenarioResult } from './lib/types.js';
import { World, type WorldOptions } from './lib/world.js';
import { ORDER, SCENARIOS } from './scenarios/index.js';
import type { RunOptions } from './scenarios/options.js';

export interface SuiteReport {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: { hostname: string; cpus: number; cpuModel: string; memoryGiB: number; node: string };
  readonly options: RunOptions & { drainDelayMs: number };
  readonly stackStartMs: number;
  readonly results: ScenarioResult[];
  readonly pass: boolean;
}

/** Starts the world, runs the chosen scenarios in the suite's order, stops the world. */
export async function runSuite(only: readonly number[], opts: RunOptions, log: (s: string) => void = () => undefined, worldOptions: WorldOptions = {}): Promise<SuiteReport> {
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  log('starting the stack …');
  const world = await World.start(worldOptions);
  const stackStartMs = Date.now() - t0;
  log(`stack up in ${(stackStartMs / 1000).toFixed(1)} s (run ${world.runId})`);
  const results: ScenarioResult[] = [];
  try {
    for (const n of ORDER.filter((x) => only.includes(x))) {
      const s = SCENARIOS.get(n);
      if (!s) {
        results.push({ scenario: `${n} (not implemented)`, figure: '—', pass: false, details: {} });
        continue;
      }
      log(`scenario ${n}: ${s.name} …`);
      const ts = Date.now();
      let r: ScenarioResult;
      try {
        r = await s.run(world, opts);
      } catch (err) {
        r = { scenario: `${n} ${s.name}`, figure: 'error', pass: false, details: { error: String((err as Error)?.stack ?? err) } };
      }
      r = { ...r, durationMs: r.durationMs ?? Date.now() - ts };
      results.push(r);
      log(`  ${r.pass ? 'PASS' : 'FAIL'} ${r.figure} (${((r.durationMs ?? 0) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await world.close();
  }
  const cpu = cpus();
  return {
    startedAt,
    durationMs: Date.now() - t0,
    machine: { hostname: hostname(), cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    options: { ...opts, drainDelayMs: worldOptions.drainDelayMs ?? 1000 },
    stackStartMs,
    results,
    pass: results.length > 0 && results.every((r) => r.pass),
  };
}

/** The summary table: scenario | figure | pass/fail. */
export function table(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [r.scenario, r.figure, r.pass ? 'pass' : 'FAIL']);
  const head = ['scenario', 'figure', 'result'];
  const widths = head.map((h, i) => Math.min(i === 1 ? 110 : 40, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export async function writeReport(report: SuiteReport, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
