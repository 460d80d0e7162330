import type { LatencySummary } from '../histogram.js';
import type { LoadResult } from '../loadgen.js';
import { RESULTS_SCHEMA, type BenchResults, type FootprintSuite } from '../results.js';

export function latency(p50: number, p99: number, count = 1000): LatencySummary {
  return { count, meanMs: p50, p50Ms: p50, p90Ms: p99 * 0.8, p95Ms: p99 * 0.9, p99Ms: p99, p999Ms: p99 * 1.2, maxMs: p99 * 1.5 };
}

export function load(over: Partial<LoadResult> & { p50?: number; p99?: number } = {}): LoadResult {
  const { p50 = 1, p99 = 2, ...rest } = over;
  return {
    model: 'closed',
    connections: 32,
    windowS: 10,
    sent: 10_000,
    ok: 10_000,
    errorCount: 0,
    errors: {},
    throughputRps: 1000,
    latency: latency(p50, p99),
    maxInFlight: 32,
    meanInFlight: 31.5,
    generator: { cpuPercent: 40, cpuUsPerRequest: 50 },
    ...rest,
  };
}

/** A complete, valid results object (every suite present). */
export function sampleResults(): BenchResults {
  return {
    schema: RESULTS_SCHEMA,
    mode: 'full',
    startedAt: '2026-11-23T08:10:00.000Z',
    finishedAt: '2026-11-23T08:40:00.000Z',
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      memoryMiB: 4096,
      nodeVersion: 'v24.9.0',
      platform: 'linux x64',
      kernel: '6.0',
      gitCommit: '0123456789abcdef0123456789abcdef01234567',
      gitDirty: false,
      loadAverageAtStart: [0.2, 0.3, 0.4],
      loadAverageAtEnd: [1.5, 1.2, 0.9],
    },
    options: { suites: ['hop'] },
    notes: ['shared cores'],
    suites: {
      hop: {
        description: 'hop',
        targets: { direct: 'bare', supportmesh: 'gateway', portkey: 'portkey' },
        runs: [
          { load: 'closed-32', target: 'direct', result: load({ throughputRps: 9000, p50: 1, p99: 3 }) },
          { load: 'closed-32', target: 'supportmesh', result: load({ throughputRps: 2500, p50: 10, p99: 20 }), addedP50Ms: 9, addedP99Ms: 17, proxyCpuMsPerRequest: 0.4 },
          { load: 'closed-32', target: 'portkey', result: load({ throughputRps: 1000, p50: 30, p99: 45 }), addedP50Ms: 29, addedP99Ms: 42, proxyCpuMsPerRequest: 1 },
          { load: 'open-1000', target: 'direct', result: load({ model: 'open', targetRps: 1000, p50: 0.3, p99: 1 }) },
          { load: 'open-1000', target: 'supportmesh', result: load({ model: 'open', targetRps: 1000, p50: 2, p99: 6 }), addedP50Ms: 1.7, addedP99Ms: 5 },
          { load: 'open-1000', target: 'portkey', error: 'Portkey did not start' },
        ],
        anchors: [{ name: 'Portkey (published)', metric: 'added p99 at concurrency 1', valueMs: 2.8, source: 'issue' }],
      },
      pipeline: {
        description: 'pipeline',
        endpoint: 'POST /v1/conversations/{id}/messages',
        slo: { p99Ms: 50 },
        steps: [
          { rate: 100, pass: true, result: load({ model: 'open', targetRps: 100, p99: 30 }) },
          { rate: 200, pass: false, result: load({ model: 'open', targetRps: 200, p99: 80 }) },
        ],
        maxRatePassing: 100,
        perHopMs: { classify: latency(2, 5) },
      },
      capacity: {
        description: 'capacity',
        endpoint: 'POST /v1/conversations/{id}/messages',
        emulatorLatency: { p50Ms: 450, p95Ms: 1800 },
        slo: { p95Ms: 2000, maxErrors: 0 },
        steps: [{ rate: 350, pass: true, result: load({ model: 'open', targetRps: 350, p50: 500, p99: 1900 }) }],
        maxRatePassing: 350,
        concurrentConversations: { max: 420, mean: 250, conversationsUsed: 2800 },
        perHopMs: {},
      },
      cache: {
        description: 'cache',
        facade: {
          miss: latency(3, 8, 20),
          exact: { requests: 520, hits: 500, hitLatency: latency(1, 4, 500), latency: latency(1, 5, 520) },
          paraphrase: { requests: 20, hits: 15, hitLatency: latency(1.5, 4.5, 15), latency: latency(1.5, 6, 20) },
        },
        errors: [],
      },
      footprint: {
        description: 'footprint',
        services: {
          gateway: {
            dev: { coldStartMs: [1700, 1650, 1800], coldStartMedianMs: 1700, idleRssMiB: 170 },
            bundle: { coldStartMs: [700, 650, 800], coldStartMedianMs: 700, idleRssMiB: 70 },
          },
          critic: { dev: { coldStartMs: [1200], coldStartMedianMs: 1200, idleRssMiB: 60 }, bundle: null },
          cosmos: { dev: { coldStartMs: [], coldStartMedianMs: null, idleRssMiB: 140 }, bundle: null },
        },
        soak: {
          seconds: 600,
          rateRps: 20,
          emulatorLatency: 'lognormal:450:1800',
          samples: [{ t: 0, rssMiB: { gateway: 70 } }],
          services: {
            gateway: { startMiB: 70, endMiB: 71, maxMiB: 72, slopeMiBPerMin: 0.1, growthTrend: false },
            cosmos: { startMiB: 140, endMiB: 200, maxMiB: 200, slopeMiBPerMin: 6, growthTrend: true },
          },
        },
      },
    },
    costModel: {
      source: 'test',
      measuredAt: '2026-11-23T08:40:00.000Z',
      turns: 1000,
      rateRps: 100,
      services: { gateway: { cpuMsPerRequest: 2, cpuMsPerTurn: 2, requestsPerTurn: 1, p50Ms: 3, p95Ms: 9, rssMiB: 70, podStartupSeconds: 0.7 } },
    },
    goals: [],
  };
}

type ServiceFootprint = FootprintSuite['services'][string];

/** Sample results with the gateway's footprint entry changed by `patch`. */
export function withGatewayFootprint(patch: (gateway: ServiceFootprint) => ServiceFootprint): BenchResults {
  const r = sampleResults();
  const fp = r.suites.footprint as Extract<NonNullable<typeof r.suites.footprint>, { services: unknown }>;
  const gateway = fp.services['gateway'];
  if (!gateway) throw new Error('fixture has a gateway');
  fp.services['gateway'] = patch(gateway);
  return r;
}
