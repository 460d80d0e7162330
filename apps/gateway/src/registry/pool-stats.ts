import { PoolStats } from '@supportmesh/contracts';
import { aggregatePoolStats } from '@supportmesh/llm-client';
import { z } from 'zod';

/** What an agent's `GET /v1/pool/stats` (and `LlmClient.stats()`) answers. */
export const PoolStatsReport = z.object({ aggregate: PoolStats, deployments: z.record(z.string(), PoolStats) });
export type PoolStatsReport = z.infer<typeof PoolStatsReport>;

/** One place pool statistics come from: an agent over HTTP, or an in-process LLM client (the facade's). */
export interface PoolStatsSource {
  readonly name: string;
  read(signal: AbortSignal): Promise<PoolStatsReport>;
}

/** An agent's `GET {baseUrl}/v1/pool/stats`. */
export function httpPoolStatsSource(name: string, baseUrl: string): PoolStatsSource {
  const url = `${baseUrl.replace(/\/+$/, '')}/v1/pool/stats`;
  return {
    name,
    async read(signal) {
      const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`pool stats answered ${res.status}`);
      return PoolStatsReport.parse(await res.json());
    },
  };
}

/**
 * The seed's PoolStats over several pools (llm-client's aggregation): counts and sizes summed, the worst breaker
 * state (OPEN > HALF_OPEN > CLOSED), the mean wait weighted by requests, timestamp now.
 */
export function combinePoolStats(parts: readonly PoolStats[], now: Date = new Date()): PoolStats {
  return aggregatePoolStats(
    parts.map((stats) => ({ stats, wait: { totalMs: stats.avg_wait_time_ms * stats.total_requests, count: stats.total_requests } })),
    now,
  );
}

export interface CollectedPoolStats {
  readonly stats: PoolStats;
  /** Per source and deployment (`<source>/<deployment>`). */
  readonly deployments: Record<string, PoolStats>;
  /** Sources that could not be read (skipped). */
  readonly unreachable: string[];
}

/** Reads every source in parallel (each within `timeoutMs`), skipping the unreachable ones. */
export async function collectPoolStats(sources: readonly PoolStatsSource[], timeoutMs: number, now: () => Date = () => new Date()): Promise<CollectedPoolStats> {
  const results = await Promise.all(
    sources.map(async (s) => {
      try {
        return { name: s.name, report: await s.read(AbortSignal.timeout(timeoutMs)) };
      } catch {
        return { name: s.name, report: undefined };
      }
    }),
  );
  const deployments: Record<string, PoolStats> = {};
  const aggregates: PoolStats[] = [];
  const unreachable: string[] = [];
  for (const r of results) {
    if (!r.report) {
      unreachable.push(r.name);
      continue;
    }
    aggregates.push(r.report.aggregate);
    for (const [d, stats] of Object.entries(r.report.deployments)) deployments[`${r.name}/${d}`] = stats;
  }
  return { stats: combinePoolStats(aggregates, now()), deployments, unreachable };
}
