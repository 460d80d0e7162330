import { isFailed, type BenchResults, type Goal, type HopSuite } from './results.js';
import { INFRA_LABELS } from './suites/footprint.js';

/** 80 MB (decimal) in MiB. */
export const IDLE_RSS_LIMIT_MIB = 80_000_000 / 1024 / 1024;
export const COLD_START_LIMIT_MS = 1_000;
export const CACHE_HIT_P99_LIMIT_MS = 5;
export const SEED_CACHE_CLAIM_MS = 100;
export const PIPELINE_RATE_GOAL = 350;
export const MIN_JUDGED_SOAK_SECONDS = 300;

const fmt = (v: number, d = 1) => v.toFixed(d);

function hopRun(hop: HopSuite | undefined, load: string, target: string) {
  return hop?.runs.find((r) => r.load === load && r.target === target)?.result;
}

/** The issue's goals, judged from the figures (null when the run did not measure it). */
export function evaluateGoals(r: Pick<BenchResults, 'suites' | 'mode'>): Goal[] {
  const goals: Goal[] = [];
  const hop = r.suites.hop && !isFailed(r.suites.hop) ? r.suites.hop : undefined;
  const conns = hop ? [...new Set(hop.runs.map((x) => x.load).filter((l) => l.startsWith('closed-')))] : [];
  const hi = conns.includes('closed-32') ? 'closed-32' : conns.sort((a, b) => Number(b.slice(7)) - Number(a.slice(7)))[0];
  const sm = hi ? hopRun(hop, hi, 'supportmesh') : undefined;
  const pk = hi ? hopRun(hop, hi, 'portkey') : undefined;
  const label = hi ? hi.replace('closed-', '') : '32';
  goals.push({
    id: 'hop-throughput',
    goal: `gateway hop at ${label} connections (auth, rate limiting, metrics on) serves ≥ 2× Portkey's throughput`,
    measured: sm && pk ? `${fmt(sm.throughputRps, 0)} vs ${fmt(pk.throughputRps, 0)} rps (${fmt(sm.throughputRps / Math.max(1e-9, pk.throughputRps), 2)}×)` : 'not measured',
    met: sm && pk ? sm.errorCount === 0 && sm.throughputRps >= 2 * pk.throughputRps : null,
  });
  goals.push({
    id: 'hop-p99-vs-portkey',
    goal: `gateway hop at ${label} connections: p99 ≤ ½ Portkey's p99`,
    measured: sm && pk ? `p99 ${fmt(sm.latency.p99Ms, 2)} vs ${fmt(pk.latency.p99Ms, 2)} ms (${fmt(sm.latency.p99Ms / Math.max(1e-9, pk.latency.p99Ms), 2)}×)` : 'not measured',
    met: sm && pk ? sm.errorCount === 0 && sm.latency.p99Ms <= pk.latency.p99Ms / 2 : null,
  });
  const at1000 = hopRun(hop, 'open-1000', 'supportmesh');
  goals.push({
    id: 'hop-p99-1000rps',
    goal: 'gateway hop p99 ≤ 5 ms at 1,000 rps',
    measured: at1000 ? `p99 ${fmt(at1000.latency.p99Ms, 2)} ms, ${at1000.errorCount} errors, ${fmt(at1000.throughputRps, 0)} rps served` : 'not measured',
    met: at1000 ? at1000.errorCount === 0 && at1000.latency.p99Ms <= 5 : null,
  });

  const cap = r.suites.capacity && !isFailed(r.suites.capacity) ? r.suites.capacity : undefined;
  const topRate = cap ? Math.max(...cap.steps.map((s) => s.rate)) : 0;
  goals.push({
    id: 'pipeline-350rps',
    goal: `full pipeline ≥ ${PIPELINE_RATE_GOAL} turns/s at p95 ≤ 2 s, 0 errors, with the 450 ms emulator`,
    measured: cap
      ? `${cap.maxRatePassing === null ? 'no step passed' : `max passing ${cap.maxRatePassing} turns/s`}${topRate < PIPELINE_RATE_GOAL ? ` (steps stopped at ${topRate})` : ''}`
      : 'not measured',
    met: cap ? (cap.maxRatePassing ?? 0) >= PIPELINE_RATE_GOAL : null,
  });

  const cache = r.suites.cache && !isFailed(r.suites.cache) ? r.suites.cache : undefined;
  const fc = cache?.facade;
  goals.push({
    id: 'cache-hit-p99',
    goal: `cache hits p99 ≤ ${CACHE_HIT_P99_LIMIT_MS} ms (gateway facade, exact repeats)`,
    measured: fc ? `p99 ${fmt(fc.exact.hitLatency.p99Ms, 2)} ms over ${fc.exact.hits} hits (paraphrases: ${fc.paraphrase.hits}/${fc.paraphrase.requests} hits)` : 'not measured',
    met: fc && fc.exact.hits > 0 ? fc.exact.hitLatency.p99Ms <= CACHE_HIT_P99_LIMIT_MS : fc ? false : null,
  });
  const pc = cache?.pipeline;
  goals.push({
    id: 'cache-pipeline-seed-claim',
    goal: `seed's claim: repeated questions answered from cache in < ${SEED_CACHE_CLAIM_MS} ms end to end (full pipeline, p99)`,
    measured: pc ? `repeated p99 ${fmt(pc.repeated.p99Ms, 1)} ms, paraphrased p99 ${fmt(pc.paraphrased.p99Ms, 1)} ms (first asks p50 ${fmt(pc.first.p50Ms, 0)} ms)` : 'not measured',
    met: pc && pc.repeated.count > 0 ? pc.repeated.p99Ms < SEED_CACHE_CLAIM_MS : pc ? false : null,
  });

  const fp = r.suites.footprint && !isFailed(r.suites.footprint) ? r.suites.footprint : undefined;
  const services = fp ? Object.entries(fp.services).filter(([label]) => !INFRA_LABELS.has(label)) : [];
  // As shipped (the container's bundle) where measured, else as `npm start` runs it. A bundle that cannot start fails.
  const shipped = services.map(([name, s]) => [name, s.bundle ?? s.dev, s.bundle ? 'bundle' : 'dev'] as const);
  const failedToStart = shipped.filter(([, s]) => s.error !== undefined && s.coldStartMs.length === 0).map(([name, , how]) => `${name} (${how})`);
  const cold = shipped.filter(([, s]) => s.coldStartMedianMs !== null);
  const slowest = [...cold].sort(([, a], [, b]) => (b.coldStartMedianMs ?? 0) - (a.coldStartMedianMs ?? 0))[0];
  const over = cold.filter(([, s]) => (s.coldStartMedianMs ?? 0) > COLD_START_LIMIT_MS).length;
  goals.push({
    id: 'cold-start',
    goal: `cold start ≤ ${COLD_START_LIMIT_MS / 1000} s per service (process start → /ready, container bundle)`,
    measured:
      slowest || failedToStart.length > 0
        ? [
            slowest ? `slowest ${slowest[0]} ${fmt(slowest[1].coldStartMedianMs ?? 0, 0)} ms (${slowest[2]}); ${over}/${cold.length} over` : '',
            failedToStart.length > 0 ? `did not start: ${failedToStart.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ')
        : 'not measured',
    met: cold.length + failedToStart.length > 0 ? failedToStart.length === 0 && over === 0 : null,
  });
  const rss = shipped.filter(([, s]) => s.idleRssMiB !== null);
  const withMaps = services.map(([, s]) => s.bundleWithSourceMaps?.idleRssMiB).filter((v): v is number => typeof v === 'number');
  const biggest = [...rss].sort(([, a], [, b]) => (b.idleRssMiB ?? 0) - (a.idleRssMiB ?? 0))[0];
  goals.push({
    id: 'idle-rss',
    goal: `idle RSS ≤ 80 MB (${fmt(IDLE_RSS_LIMIT_MIB, 1)} MiB) per service (container bundle; stand-ins not judged)`,
    measured: biggest
      ? `largest ${biggest[0]} ${fmt(biggest[1].idleRssMiB ?? 0)} MiB (${biggest[2]}); ${rss.filter(([, s]) => (s.idleRssMiB ?? 0) > IDLE_RSS_LIMIT_MIB).length}/${rss.length} over` +
        (withMaps.length > 0 ? `; with --enable-source-maps the largest is ${fmt(Math.max(...withMaps))} MiB` : '')
      : 'not measured',
    met: rss.length > 0 ? rss.every(([, s]) => (s.idleRssMiB ?? 0) <= IDLE_RSS_LIMIT_MIB) : null,
  });
  const soak = fp?.soak && !isFailed(fp.soak) ? fp.soak : undefined;
  const judged = soak ? Object.entries(soak.services).filter(([label]) => !INFRA_LABELS.has(label)) : [];
  const growing = judged.filter(([, s]) => s.growthTrend).map(([l]) => l);
  goals.push({
    id: 'soak-rss',
    goal: 'no RSS growth trend over the soak (services; stand-ins reported only)',
    measured: soak
      ? `${soak.seconds} s at ${soak.rateRps} turns/s: ${growing.length === 0 ? 'no service grew' : `growing: ${growing.join(', ')}`}` +
        (soak.seconds < MIN_JUDGED_SOAK_SECONDS ? ` (too short to judge: the goal needs ≥ ${MIN_JUDGED_SOAK_SECONDS} s; default 600 s)` : '')
      : 'not measured',
    // A soak shorter than 5 minutes mostly shows warm-up (JIT, pools, caches filling): reported, not judged.
    met: soak && judged.length > 0 && soak.seconds >= MIN_JUDGED_SOAK_SECONDS ? growing.length === 0 : null,
  });
  return goals;
}
