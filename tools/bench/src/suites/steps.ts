import type { Stack } from '../dev.js';
import { cpuSnapshot, servedRequests, sleep, stackProcesses, type Harness } from '../harness.js';
import type { LoadResult } from '../loadgen.js';
import { runLoad } from '../remote.js';
import type { Workload, WorkloadReport } from '../workloads.js';

/** CPU each process used and HTTP requests each service served during one step. */
export interface StepUsage {
  /** ms of CPU per process label over the whole step (warm-up included). */
  readonly cpuMs: Record<string, number>;
  /** HTTP requests served per service (probes and scrapes excluded) over the whole step. */
  readonly served: Record<string, number>;
  readonly wallMs: number;
}

export interface StepOutcome {
  readonly rate: number;
  readonly pass: boolean;
  readonly result: LoadResult;
  readonly report: WorkloadReport;
  readonly usage: StepUsage;
}

async function servedSnapshot(stack: Stack, names: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await Promise.all(
    names.map(async (name) => {
      const url = stack.urls[name];
      if (!url) return;
      const n = await servedRequests(url);
      if (n !== undefined) out[name] = n;
    }),
  );
  return out;
}

/**
 * Steps the open-model arrival rate up through `rates` until a step fails `pass` (that step is kept, later ones are
 * not run). Measures per-process CPU and per-service requests of every step for the cost model.
 */
export async function stepRates(
  h: Harness,
  stack: Stack,
  opts: {
    readonly label: string;
    readonly workload: Workload;
    readonly rates: readonly number[];
    readonly warmupMs: number;
    readonly durationMs: number;
    readonly pass: (r: LoadResult) => boolean;
  },
): Promise<StepOutcome[]> {
  const origin = stack.urls['gateway'] as string;
  const services = [...new Set(stack.processes.filter((p) => !p.hasExited).map((p) => p.name))].filter((n) => n !== 'cosmos' && n !== 'llm-emulator');
  const steps: StepOutcome[] = [];
  for (const rate of opts.rates) {
    h.log(`${opts.label}: ${rate} turns/s for ${(opts.warmupMs + opts.durationMs) / 1000} s`);
    const procs = stackProcesses(stack);
    const served0 = await servedSnapshot(stack, services);
    const cpu0 = cpuSnapshot(procs);
    const t0 = Date.now();
    const { result, report } = await runLoad({
      model: 'open',
      rate,
      origin,
      workload: opts.workload,
      options: { durationMs: opts.durationMs, warmupMs: opts.warmupMs, timeoutMs: 30_000 },
    });
    const wallMs = Date.now() - t0;
    const cpu1 = cpuSnapshot(procs);
    const served1 = await servedSnapshot(stack, services);
    const cpuMs: Record<string, number> = {};
    for (const [label, v] of cpu1) cpuMs[label] = v - (cpu0.get(label) ?? v);
    const served: Record<string, number> = {};
    for (const [name, v] of Object.entries(served1)) served[name] = v - (served0[name] ?? v);
    const pass = opts.pass(result);
    steps.push({ rate, pass, result, report, usage: { cpuMs, served, wallMs } });
    const errors = Object.entries(result.errors)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ');
    h.log(
      `${opts.label}:   ${result.throughputRps} rps ok, p50 ${result.latency.p50Ms} ms, p95 ${result.latency.p95Ms} ms, p99 ${result.latency.p99Ms} ms, ` +
        `errors ${result.errorCount}${errors ? ` (${errors})` : ''}, in flight max ${result.maxInFlight} → ${pass ? 'pass' : 'FAIL'}`,
    );
    if (!pass) break;
    await sleep(1_000);
  }
  return steps;
}

/** The highest passing rate (null when none passed). */
export function maxPassing(steps: readonly StepOutcome[]): number | null {
  const passing = steps.filter((s) => s.pass).map((s) => s.rate);
  return passing.length === 0 ? null : Math.max(...passing);
}
