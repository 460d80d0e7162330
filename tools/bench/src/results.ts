import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Version tag of the results file; bump on any incompatible change. v2: the footprint `bundle` is the image's command
 * (node with the services' V8 flags, no source maps; v1 measured `node --enable-source-maps main.mjs`) and the
 * diagnostic start is `bundleWithSourceMaps` (v1: `bundleNoSourceMaps`).
 */
export const RESULTS_SCHEMA = 'supportmesh.bench/v2';

const Ms = z.number().nonnegative();

export const LatencySummarySchema = z.object({
  count: z.number().int().nonnegative(),
  meanMs: Ms,
  p50Ms: Ms,
  p90Ms: Ms,
  p95Ms: Ms,
  p99Ms: Ms,
  p999Ms: Ms,
  maxMs: Ms,
});

export const LoadResultSchema = z.object({
  model: z.enum(['closed', 'open']),
  connections: z.number().int().positive().optional(),
  targetRps: z.number().positive().optional(),
  windowS: z.number().positive(),
  sent: z.number().int().nonnegative(),
  ok: z.number().int().nonnegative(),
  errorCount: z.number().int().nonnegative(),
  errors: z.record(z.string(), z.number().int().nonnegative()),
  throughputRps: z.number().nonnegative(),
  latency: LatencySummarySchema,
  maxInFlight: z.number().int().nonnegative(),
  meanInFlight: z.number().nonnegative(),
  generator: z.object({
    cpuPercent: z.number().nonnegative(),
    cpuUsPerRequest: z.number().nonnegative(),
    sendLagP99Ms: Ms.optional(),
  }),
});

export const MachineSchema = z.object({
  cpuModel: z.string(),
  cores: z.number().int().positive(),
  memoryMiB: z.number().int().positive(),
  nodeVersion: z.string(),
  platform: z.string(),
  kernel: z.string(),
  gitCommit: z.string(),
  gitDirty: z.boolean(),
  loadAverageAtStart: z.array(z.number().nonnegative()),
  /** 1/5/15-minute load averages when the run finished. */
  loadAverageAtEnd: z.array(z.number().nonnegative()).optional(),
});

/** A suite that could not run (or broke) records why instead of figures. */
const Failed = z.object({ error: z.string() });
const orFailed = <T extends z.ZodType>(schema: T) => z.union([schema, Failed]);

export const HopTargetName = z.enum(['direct', 'supportmesh', 'portkey']);
export const HopLoadName = z.string().regex(/^(closed-\d+|open-\d+)$/);

export const HopSuiteSchema = z.object({
  description: z.string(),
  targets: z.record(HopTargetName, z.string()),
  runs: z.array(
    z.object({
      load: HopLoadName,
      target: HopTargetName,
      result: LoadResultSchema.optional(),
      error: z.string().optional(),
      /** Target p50/p99 minus the direct upstream's in the same load (ms). */
      addedP50Ms: z.number().optional(),
      addedP99Ms: z.number().optional(),
      /** CPU the proxy process (gateway or Portkey; the upstream for `direct`) used per request, ms. */
      proxyCpuMsPerRequest: z.number().nonnegative().optional(),
      /** CPU of the bare upstream process per request, ms (same work for every target). */
      upstreamCpuMsPerRequest: z.number().nonnegative().optional(),
    }),
  ),
  anchors: z.array(z.object({ name: z.string(), metric: z.string(), valueMs: z.number(), source: z.string() })),
});

const StepSchema = z.object({ rate: z.number().positive(), pass: z.boolean(), result: LoadResultSchema });

export const PipelineSuiteSchema = z.object({
  description: z.string(),
  endpoint: z.string(),
  slo: z.object({ p99Ms: z.number().positive() }),
  steps: z.array(StepSchema),
  /** Highest stepped rate that met the SLO with 0 errors (null: none did). */
  maxRatePassing: z.number().nullable(),
  /** Per-hop latency reported by the gateway (`latencyMs.perHop`), at the step the cost model used. */
  perHopMs: z.record(z.string(), LatencySummarySchema),
});

export const CapacitySuiteSchema = z.object({
  description: z.string(),
  endpoint: z.string(),
  emulatorLatency: z.object({ p50Ms: z.number(), p95Ms: z.number() }),
  slo: z.object({ p95Ms: z.number().positive(), maxErrors: z.number().int().nonnegative() }),
  steps: z.array(StepSchema),
  maxRatePassing: z.number().nullable(),
  /** Conversation turns held open at once at the highest passing rate (from the generator's in-flight count). */
  concurrentConversations: z.object({ max: z.number().int().nonnegative(), mean: z.number().nonnegative(), conversationsUsed: z.number().int().nonnegative() }).nullable(),
  perHopMs: z.record(z.string(), LatencySummarySchema),
});

const CacheCase = z.object({
  requests: z.number().int().nonnegative(),
  hits: z.number().int().nonnegative(),
  /** Latency of the answers that were cache hits. */
  hitLatency: LatencySummarySchema,
  /** Latency of all answers in the case. */
  latency: LatencySummarySchema,
});

export const CacheSuiteSchema = z.object({
  description: z.string(),
  facade: z
    .object({
      /** First asks (cache misses that go to the upstream), for contrast. */
      miss: LatencySummarySchema,
      exact: CacheCase,
      paraphrase: CacheCase,
    })
    .optional(),
  pipeline: z
    .object({
      /** First asks of each question through the whole pipeline. */
      first: LatencySummarySchema,
      repeated: LatencySummarySchema,
      paraphrased: LatencySummarySchema,
      /** response-generator cache hits counted from its /metrics during the repeated + paraphrased asks. */
      responseGeneratorCacheHits: z.number().int().nonnegative().nullable(),
      requests: z.number().int().nonnegative(),
    })
    .optional(),
  errors: z.array(z.string()),
});

const StartFootprint = z.object({
  coldStartMs: z.array(z.number().nonnegative()),
  coldStartMedianMs: z.number().nonnegative().nullable(),
  idleRssMiB: z.number().nonnegative().nullable(),
  /** Why a start failed, when one did (the first error line the process printed). */
  error: z.string().optional(),
});

const ServiceFootprint = z.object({
  /** As `npm start` runs it (TypeScript through tsx); idle RSS of the stack's process. */
  dev: StartFootprint,
  /**
   * As the container runs it (`node main.mjs` of the esbuild bundle with the image's node arguments = the services' V8
   * flags, NODE_ENV=production, no source maps); null when not measured.
   */
  bundle: StartFootprint.nullable(),
  /** The same bundle started once with `--enable-source-maps` added (diagnostic: what turning source maps on costs). */
  bundleWithSourceMaps: StartFootprint.nullable().optional(),
});

export const SoakSchema = z.object({
  seconds: z.number().positive(),
  rateRps: z.number().positive(),
  emulatorLatency: z.string(),
  load: LoadResultSchema.optional(),
  samples: z.array(z.object({ t: z.number().nonnegative(), rssMiB: z.record(z.string(), z.number().nonnegative()) })),
  services: z.record(
    z.string(),
    z.object({
      startMiB: z.number().nonnegative(),
      endMiB: z.number().nonnegative(),
      maxMiB: z.number().nonnegative(),
      /** Least-squares slope over the samples after the first third (MiB per minute). */
      slopeMiBPerMin: z.number(),
      growthTrend: z.boolean(),
    }),
  ),
});

export const FootprintSuiteSchema = z.object({
  description: z.string(),
  services: z.record(z.string(), ServiceFootprint),
  soak: orFailed(SoakSchema).optional(),
});

/**
 * What the capacity simulator reads (`npm run simulate -- --cost-model bench/results/latest.json`): per service,
 * `cpuMsPerRequest` (CPU per HTTP request it serves), `p50Ms`/`p95Ms` (its own wall time per request, as the gateway
 * sees the hop), `rssMiB` (idle), `podStartupSeconds` (cold start). Extra fields are informative.
 */
export const CostModelSchema = z.object({
  source: z.string(),
  measuredAt: z.string(),
  /** Pipeline turns the CPU figures were measured over, and the rate. */
  turns: z.number().int().nonnegative(),
  rateRps: z.number().nonnegative(),
  services: z.record(
    z.string(),
    z.object({
      cpuMsPerRequest: z.number().nonnegative().optional(),
      cpuMsPerTurn: z.number().nonnegative().optional(),
      requestsPerTurn: z.number().nonnegative().optional(),
      p50Ms: z.number().positive().optional(),
      p95Ms: z.number().positive().optional(),
      rssMiB: z.number().positive().optional(),
      podStartupSeconds: z.number().nonnegative().optional(),
    }),
  ),
});

export const GoalSchema = z.object({
  id: z.string(),
  goal: z.string(),
  measured: z.string(),
  /** null: not measured in this run. */
  met: z.boolean().nullable(),
});

export const BenchResultsSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA),
  /** `full` or `quick`. */
  mode: z.enum(['full', 'quick']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  machine: MachineSchema,
  options: z.record(z.string(), z.unknown()),
  notes: z.array(z.string()),
  suites: z.object({
    hop: orFailed(HopSuiteSchema).optional(),
    pipeline: orFailed(PipelineSuiteSchema).optional(),
    capacity: orFailed(CapacitySuiteSchema).optional(),
    cache: orFailed(CacheSuiteSchema).optional(),
    footprint: orFailed(FootprintSuiteSchema).optional(),
  }),
  costModel: CostModelSchema.optional(),
  goals: z.array(GoalSchema),
});

export type LoadResultJson = z.infer<typeof LoadResultSchema>;
export type HopSuite = z.infer<typeof HopSuiteSchema>;
export type PipelineSuite = z.infer<typeof PipelineSuiteSchema>;
export type CapacitySuite = z.infer<typeof CapacitySuiteSchema>;
export type CacheSuite = z.infer<typeof CacheSuiteSchema>;
export type FootprintSuite = z.infer<typeof FootprintSuiteSchema>;
export type Soak = z.infer<typeof SoakSchema>;
export type CostModel = z.infer<typeof CostModelSchema>;
export type Goal = z.infer<typeof GoalSchema>;
export type BenchResults = z.infer<typeof BenchResultsSchema>;
export type SuiteName = keyof BenchResults['suites'];
export const SUITE_NAMES: readonly SuiteName[] = ['hop', 'pipeline', 'capacity', 'cache', 'footprint'];

export function isFailed(v: unknown): v is { error: string } {
  return typeof v === 'object' && v !== null && typeof (v as { error?: unknown }).error === 'string' && Object.keys(v).length === 1;
}

/** `2026-11-23T08-10-00Z`: the ISO start time, safe in a file name. */
export function fileStamp(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

export interface WrittenFiles {
  readonly perSuite: readonly string[];
  readonly latestJson: string;
  readonly latestMd: string;
}

/**
 * Validates `results` against the schema (throws listing every problem), then writes
 * `<dir>/<stamp>-<suite>.json` per suite that ran (`<stamp>-quick-<suite>.json` in quick mode), `<dir>/latest.json`
 * (everything, with the cost model) and `<dir>/latest.md`.
 */
export function writeResults(dir: string, results: BenchResults, markdown: string): WrittenFiles {
  const parsed = BenchResultsSchema.safeParse(results);
  if (!parsed.success) {
    throw new Error(`bench results do not match ${RESULTS_SCHEMA}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const data = parsed.data;
  mkdirSync(dir, { recursive: true });
  const stamp = fileStamp(data.startedAt);
  const perSuite: string[] = [];
  for (const name of SUITE_NAMES) {
    const suite = data.suites[name];
    if (suite === undefined) continue;
    const file = path.join(dir, `${stamp}-${data.mode === 'quick' ? 'quick-' : ''}${name}.json`);
    const { suites: _all, costModel, goals: _goals, ...head } = data;
    const body = { ...head, suites: { [name]: suite }, ...(name === 'pipeline' && costModel ? { costModel } : {}) };
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    perSuite.push(file);
  }
  const latestJson = path.join(dir, 'latest.json');
  writeFileSync(latestJson, `${JSON.stringify(data, null, 2)}\n`);
  const latestMd = path.join(dir, 'latest.md');
  writeFileSync(latestMd, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return { perSuite, latestJson, latestMd };
}
