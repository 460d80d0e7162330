import { parseArgs } from 'node:util';
import { SUITE_NAMES, type SuiteName } from './results.js';
import { UsageError } from './usage-error.js';

export const USAGE = `npm run bench -- [--quick] [--suites hop,pipeline,capacity,cache,footprint] [--soak-seconds 600] [--soak-rate 50]
                    [--hop-connections 1,32] [--hop-rates 500,1000] [--out bench/results]
  --quick          every suite with short durations (about 3 minutes in all; figures are indicative)
  --suites         which suites to run (default: all)
  --soak-seconds   length of the RSS soak (default 600; 20 with --quick)
  --soak-rate      arrival rate of the soak, turns per second (default 20)
  --hop-connections closed-model connection counts of the gateway-hop suite (default 1,32)
  --hop-rates      open-model arrival rates of the gateway-hop suite (default 500,1000)
  --out            results folder (default bench/results at the repository root)`;

/** Durations and step plans of one run. */
export interface BenchPlan {
  readonly hop: { readonly warmupMs: number; readonly durationMs: number; readonly connections: readonly number[]; readonly rates: readonly number[] };
  readonly pipeline: { readonly warmupMs: number; readonly durationMs: number; readonly rates: readonly number[] };
  readonly capacity: { readonly warmupMs: number; readonly durationMs: number; readonly rates: readonly number[] };
  readonly cache: { readonly questions: number; readonly repeats: number };
  readonly coldStartRuns: number;
  readonly soak: { readonly seconds: number; readonly rate: number; readonly sampleEveryMs: number };
}

export interface BenchOptions {
  readonly quick: boolean;
  readonly suites: ReadonlySet<SuiteName>;
  readonly outDir: string | undefined;
  readonly plan: BenchPlan;
}

function numberList(name: string, raw: string | undefined, fallback: readonly number[], min: number, max: number): readonly number[] {
  if (raw === undefined) return fallback;
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < min || v > max)) {
    throw new UsageError(`--${name}: expected comma-separated integers in ${min}..${max}, got "${raw}"`);
  }
  return values;
}

function positive(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UsageError(`--${name}: expected an integer in 1..${max}, got "${raw}"`);
  return v;
}

/** Parses the command line (throws {@link UsageError}). */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        suites: { type: 'string' },
        'soak-seconds': { type: 'string' },
        'soak-rate': { type: 'string' },
        'hop-connections': { type: 'string' },
        'hop-rates': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  if (values['help']) throw new UsageError('help');
  const quick = values['quick'] === true;
  let suites: Set<SuiteName> = new Set(SUITE_NAMES);
  if (typeof values['suites'] === 'string') {
    const wanted = values['suites'].split(',').map((s) => s.trim());
    const unknown = wanted.filter((s) => !(SUITE_NAMES as readonly string[]).includes(s));
    if (unknown.length > 0 || wanted.length === 0) throw new UsageError(`--suites: unknown suite(s) ${unknown.join(', ')}; known: ${SUITE_NAMES.join(', ')}`);
    suites = new Set(wanted as SuiteName[]);
  }
  const str = (k: string) => (typeof values[k] === 'string' ? values[k] : undefined);
  const soakSeconds = positive('soak-seconds', str('soak-seconds'), quick ? 20 : 600, 86_400);
  const plan: BenchPlan = {
    hop: {
      warmupMs: quick ? 1_000 : 3_000,
      durationMs: quick ? 3_000 : 15_000,
      connections: numberList('hop-connections', str('hop-connections'), [1, 32], 1, 1024),
      rates: numberList('hop-rates', str('hop-rates'), [500, 1000], 1, 100_000),
    },
    pipeline: {
      warmupMs: quick ? 1_000 : 3_000,
      durationMs: quick ? 3_000 : 15_000,
      rates: quick ? [10, 25, 50, 100, 200, 300] : [10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 600],
    },
    capacity: {
      warmupMs: quick ? 1_000 : 5_000,
      durationMs: quick ? 5_000 : 30_000,
      rates: quick ? [10, 25, 100, 200, 350] : [10, 25, 50, 100, 150, 200, 250, 300, 350, 400, 500],
    },
    cache: { questions: quick ? 10 : 20, repeats: quick ? 5 : 25 },
    coldStartRuns: quick ? 1 : 3,
    soak: {
      seconds: soakSeconds,
      rate: positive('soak-rate', str('soak-rate'), 20, 10_000),
      sampleEveryMs: Math.max(1_000, Math.round((soakSeconds * 1000) / 60)),
    },
  };
  return { quick, suites, outDir: str('out'), plan };
}
