import { LoadTestResult, RESULT_SCHEMA_VERSION, type LatencyStats } from '../result-schema.js';

const stats = (p50: number, count = 1000): LatencyStats => ({
  count,
  min: p50 / 4,
  mean: p50 * 1.1,
  p50,
  p90: p50 * 1.8,
  p95: p50 * 2,
  p99: p50 * 3,
  p999: p50 * 4,
  max: p50 * 5,
});

/** Multiplies every latency figure of a stats block (for synthetic regressions). */
export function scaleStats(s: LatencyStats, k: number): LatencyStats {
  return { ...s, min: s.min * k, mean: s.mean * k, p50: s.p50 * k, p90: s.p90 * k, p95: s.p95 * k, p99: s.p99 * k, p999: s.p999 * k, max: s.max * k };
}

/**
 * A complete, schema-valid result for tests of the report writers and `compare` (a baseline run with
 * p50 400 ms, 1000 turns, 0 errors, 0.5 ok/s, $0.002 per conversation). `overrides` replace top-level keys.
 */
export function sampleResult(overrides: Partial<LoadTestResult> = {}): LoadTestResult {
  const base: LoadTestResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: '@supportmesh/loadtest', version: '0.1.0' },
    runId: 'lt-test',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:01:00.000Z',
    scenario: { name: 'baseline', description: 'Normal traffic', model: 'closed', durationS: 60, users: 5, rps: 0.5, scale: 1, profile: 'closed: 5 users' },
    target: { endpoint: 'http://127.0.0.1:8080', services: { gateway: 'http://127.0.0.1:8080' }, userHeader: 'x-user-id' },
    environment: { node: 'v24.9.0', platform: 'linux', arch: 'x64', cpus: 2 },
    totals: { requests: 1000, ok: 1000, errors: 0, errorRate: 0, durationS: 60, throughputRps: 0.5, conversations: 300, dropped: 0, degraded: 0 },
    latencyMs: stats(400),
    serviceTimeMs: stats(400),
    byOperation: { message: stats(400), create: stats(5, 300) },
    byClass: { simple: { requests: 500, errors: 0, latencyMs: stats(300, 500) } },
    perHopMs: { classify: stats(20), respond: stats(350) },
    errors: { byStatus: {}, byCode: {} },
    degradedByHop: {},
    phases: [{ name: 'steady', startS: 0, endS: 60, targetRps: 0.5, requests: 1000, errors: 0, errorRate: 0, throughputRps: 0.5, latencyMs: stats(400) }],
    timeline: [
      { t: 1, requests: 1, ok: 1, errors: 0, clean: 1, inFlight: 1, p50: 400, p95: 800, p99: 1200, max: 2000 },
      { t: 2, requests: 2, ok: 2, errors: 0, clean: 2, inFlight: 2, p50: 420, p95: 820, p99: 1250, max: 2100 },
    ],
    signals: [
      { t: 1, services: { gateway: { up: true, inFlight: 3, p95Ms: 800, breakers: { llm: 0 }, rssBytes: 60_000_000, llmCostUsd: 0 } } },
      { t: 2, services: { gateway: { up: true, inFlight: 12, p95Ms: 900, breakers: { llm: 0 }, rssBytes: 61_000_000, llmCostUsd: 0.6 } } },
    ],
    keda: [
      { trigger: 'in-flight-per-pod', service: 'gateway', threshold: 10, unit: 'requests', fired: true, firstAtS: 2, lastAtS: 2, samplesAbove: 1, samples: 2, peak: 12, peakDesiredReplicas: 2 },
    ],
    llmCostUsd: 0.6,
    costPerConversationUsd: 0.002,
    slos: [{ id: 'p95', description: 'p95 latency (from intended send)', target: '< 2000 ms', actual: '800 ms', status: 'pass' }],
    passed: true,
    notes: [],
  };
  return LoadTestResult.parse({ ...base, ...overrides });
}
