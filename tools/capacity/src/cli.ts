import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CapacityInputError, isCapacityInputError } from './capacity-input-error.js';
import { readManifests } from './manifests.js';
import { blackFridayProfile, csvProfile, parseStart, weeklyProfile, type TrafficProfile } from './profiles.js';
import { renderHtml, renderText } from './render.js';
import { readScenarioFile, simulateScenario } from './scenario.js';
import { simulateProfile } from './simulate.js';
import { loadCostModel } from './workload.js';

export const USAGE = `npm run simulate -- --scenario file.json [--output out.json]
npm run simulate -- --manifests infra/dist/prod --profile weekly|black-friday|file.csv
                    [--cost-model bench/results/latest.json] [--output report.json] [--html report.html]
                    [--pricing aca|aks] [--start YYYY-MM-DD[THH:MM]] [--dau N] [--step 15] [--resolution 300]
                    [--pod-startup SECONDS]

--scenario    one HPA against synthetic load; prints and writes { "timeline": [ { "t", "replicas", "desired" } ] }
--manifests   a directory (or file) of synthesized manifests with KEDA ScaledObjects and their Deployments
--profile     weekly (10k daily active users), black-friday (10× Friday) or a CSV of "t,rps" (gateway requests/s)
--cost-model  per-service service times measured by npm run bench (defaults are documented in the README)
--pricing     aca: Azure Container Apps per vCPU-/GiB-second (default); aks: D4s_v5 node-hours
--start       New York local start of the profile (default Monday 2025-11-17; black-friday 2025-11-24)
--dau         daily active users for weekly / black-friday (default 10000)
--step        simulation step in seconds (default 15; the HPA syncs every 15 s)
--resolution  timeline bucket of the JSON/HTML report in seconds (default 300)
--pod-startup seconds from pod creation to Ready for every service (default per service: 20 s, knowledge-retrieval 40 s)`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Relative paths resolve against this (npm sets INIT_CWD to where `npm run` was typed). @default process.cwd() */
  readonly cwd?: string;
}

const positiveInt = (flag: string) =>
  z
    .string()
    .regex(/^\d+$/, `${flag} must be a whole number`)
    .transform(Number)
    .refine((n) => n > 0, `${flag} must be > 0`);

const Flags = z
  .strictObject({
    scenario: z.string().min(1).optional(),
    manifests: z.string().min(1).optional(),
    profile: z.string().min(1).optional(),
    'cost-model': z.string().min(1).optional(),
    output: z.string().min(1).optional(),
    html: z.string().min(1).optional(),
    pricing: z.enum(['aca', 'aks']).optional(),
    start: z.string().optional(),
    dau: positiveInt('--dau').optional(),
    step: positiveInt('--step').optional(),
    resolution: positiveInt('--resolution').optional(),
    'pod-startup': z
      .string()
      .regex(/^\d+(\.\d+)?$/, '--pod-startup must be a number of seconds')
      .transform(Number)
      .optional(),
    help: z.boolean().optional(),
  })
  .superRefine((f, ctx) => {
    if (f.help) return;
    if (!f.scenario && !f.manifests) ctx.addIssue({ code: 'custom', message: 'give --scenario file.json or --manifests DIR --profile NAME' });
    if (f.scenario && f.manifests) ctx.addIssue({ code: 'custom', message: '--scenario and --manifests are separate modes; give one' });
    if (f.manifests && !f.profile) ctx.addIssue({ code: 'custom', message: '--manifests needs --profile weekly|black-friday|file.csv' });
    if (f.scenario && (f.profile || f.html || f['cost-model'])) ctx.addIssue({ code: 'custom', message: '--profile, --cost-model and --html belong to --manifests mode' });
  });

function profileFor(name: string, f: z.infer<typeof Flags>, path: (p: string) => string): TrafficProfile {
  const options = { ...(f.dau ? { dau: f.dau } : {}), ...(f.start ? { start: parseStart(f.start) } : {}) };
  if (name === 'weekly') return weeklyProfile(options);
  if (name === 'black-friday') return blackFridayProfile(options);
  if (name.endsWith('.csv')) {
    if (!existsSync(path(name))) throw new CapacityInputError(`--profile ${name}: file not found`);
    return csvProfile(readFileSync(path(name), 'utf8'), name, options);
  }
  throw new CapacityInputError(`--profile "${name}": expected weekly, black-friday or a .csv file of "t,rps" rows`);
}

/** Runs the CLI; returns the exit code (0 ok, 2 bad input, 1 unexpected failure). */
export function run(argv: readonly string[], io: CliIo): number {
  try {
    let values: Record<string, unknown>;
    try {
      ({ values } = parseArgs({
        args: [...argv],
        options: {
          scenario: { type: 'string' },
          manifests: { type: 'string' },
          profile: { type: 'string' },
          'cost-model': { type: 'string' },
          output: { type: 'string' },
          html: { type: 'string' },
          pricing: { type: 'string' },
          start: { type: 'string' },
          dau: { type: 'string' },
          step: { type: 'string' },
          resolution: { type: 'string' },
          'pod-startup': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (cause) {
      throw new CapacityInputError((cause as Error).message, { cause });
    }
    const parsed = Flags.safeParse(values);
    if (!parsed.success) throw new CapacityInputError(parsed.error.issues.map((i) => (i.path.length ? `--${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
    const f = parsed.data;
    const path = (p: string): string => (isAbsolute(p) ? p : resolve(io.cwd ?? process.cwd(), p));
    if (f.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (f.scenario) {
      const result = simulateScenario(readScenarioFile(path(f.scenario)));
      const json = JSON.stringify(result, null, 2);
      if (f.output) writeFileSync(path(f.output), `${json}\n`);
      const last = result.timeline.at(-1);
      const peak = Math.max(...result.timeline.map((p) => p.replicas));
      io.stdout(
        f.output
          ? `scenario ${f.scenario}: ${result.timeline.length} points, peak ${peak} replicas, final ${last?.replicas} (desired ${last?.desired}) → ${f.output}`
          : json,
      );
      return 0;
    }
    const manifests = f.manifests ?? '';
    const services = readManifests(path(manifests));
    const profile = profileFor(f.profile ?? '', f, path);
    const report = simulateProfile({
      services,
      profile,
      manifestsLabel: manifests,
      ...(f['cost-model'] ? { costModel: loadCostModel(path(f['cost-model'])) } : {}),
      ...(f.pricing ? { pricing: f.pricing } : {}),
      ...(f.step ? { stepSeconds: f.step } : {}),
      ...(f.resolution ? { resolutionSeconds: f.resolution } : {}),
      ...(f['pod-startup'] !== undefined ? { podStartupSeconds: f['pod-startup'] } : {}),
    });
    if (f.output) writeFileSync(path(f.output), `${JSON.stringify(report)}\n`);
    if (f.html) writeFileSync(path(f.html), renderHtml(report));
    io.stdout(renderText(report) + (f.output || f.html ? `\nwrote ${[f.output, f.html].filter(Boolean).join(' and ')}` : ''));
    return 0;
  } catch (e) {
    if (isCapacityInputError(e)) {
      io.stderr(`simulate: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`simulate: unexpected failure: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
