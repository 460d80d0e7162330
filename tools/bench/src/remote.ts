import { Worker } from 'node:worker_threads';
import type { LoadResult } from './loadgen.js';
import type { WorkerAnswer } from './worker.js';
import type { Workload, WorkloadReport } from './workloads.js';

interface JobBase {
  readonly origin: string;
  readonly workload: Workload;
  readonly options: { readonly durationMs: number; readonly warmupMs?: number; readonly timeoutMs?: number; readonly maxConnections?: number; readonly maxInFlight?: number };
}

/** One load run, as plain data for the worker thread. */
export type LoadJob =
  | (JobBase & { readonly model: 'closed'; readonly connections: number; readonly maxRequests?: number })
  | (JobBase & { readonly model: 'open'; readonly rate: number });

export interface LoadOutcome {
  readonly result: LoadResult;
  readonly report: WorkloadReport;
}

/**
 * The worker's entry. From TypeScript sources the worker first registers tsx's loader itself (a worker does not
 * inherit `--import` hooks from a parent started without them, e.g. under vitest), then imports `worker.ts`.
 */
function workerEntry(): { code: string; eval: true } | { url: URL; eval: false } {
  if (!import.meta.url.endsWith('.ts')) return { url: new URL('./worker.js', import.meta.url), eval: false };
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  return { code: `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, eval: true };
}

/** Runs `job` in a fresh worker thread (its own event loop) and resolves with its result. */
export function runLoad(job: LoadJob): Promise<LoadOutcome> {
  return new Promise((resolve, reject) => {
    const entry = workerEntry();
    const worker = entry.eval ? new Worker(entry.code, { eval: true, workerData: job }) : new Worker(entry.url, { workerData: job });
    let settled = false;
    worker.once('message', (answer: WorkerAnswer) => {
      settled = true;
      void worker.terminate();
      if (answer.result) resolve({ result: answer.result, report: answer.report ?? {} });
      else reject(new Error(`load worker failed: ${answer.error ?? 'no result'}`));
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with code ${code} before answering`));
      settled = true;
    });
  });
}
