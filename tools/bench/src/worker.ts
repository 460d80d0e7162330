/**
 * Load-generator worker thread: runs one closed- or open-model job for a {@link Workload} on its own event loop,
 * so the orchestrator's work (reading service logs, scraping metrics) never delays request timestamps.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runClosed, runOpen, type LoadResult } from './loadgen.js';
import type { LoadJob } from './remote.js';
import { buildWorkload, type WorkloadReport } from './workloads.js';

export interface WorkerAnswer {
  readonly result?: LoadResult;
  readonly report?: WorkloadReport;
  readonly error?: string;
}

async function run(job: LoadJob): Promise<WorkerAnswer> {
  const built = buildWorkload(job.workload);
  const target = { origin: job.origin, request: built.request };
  const result =
    job.model === 'closed'
      ? await runClosed({ ...job.options, target, connections: job.connections, ...(job.maxRequests === undefined ? {} : { maxRequests: job.maxRequests }) })
      : await runOpen({ ...job.options, target, rate: job.rate });
  return { result, report: built.report() };
}

run(workerData as LoadJob).then(
  (answer) => parentPort?.postMessage(answer),
  (err: unknown) => parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies WorkerAnswer),
);
