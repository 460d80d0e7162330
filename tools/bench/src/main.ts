/**
 * `npm run bench`: one command, one run, every figure side by side on this machine. Writes
 * `bench/results/<stamp>-<suite>.json`, `bench/results/latest.json` (with the cost model) and `latest.md`, and
 * prints the Markdown tables.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, type Stack } from './dev.js';
import { parseBenchArgs, USAGE, type BenchOptions } from './args.js';
import { buildCostModel } from './cost-model.js';
import { evaluateGoals } from './goals.js';
import { createConversations, GATEWAY_LIMIT_ENV, Harness, median, waitHealthyTurn } from './harness.js';
import { machineInfo } from './machine.js';
import { renderMarkdown } from './markdown.js';
import { isFailed, RESULTS_SCHEMA, writeResults, type BenchResults, type CacheSuite, type FootprintSuite } from './results.js';
import { pipelineCache } from './suites/cache.js';
import { coldStarts, CONTAINER_COMMAND, idleRss, soak, type StartSample } from './suites/footprint.js';
import { runHopPhase } from './suites/hop.js';
import { runCapacitySuite, runPipelineSuite, SEED_LLM_LATENCY } from './suites/load-suites.js';
import type { StepOutcome } from './suites/steps.js';
import { isUsageError } from './usage-error.js';

const startFootprint = (s: StartSample) => ({
  coldStartMs: s.coldStartMs,
  coldStartMedianMs: median(s.coldStartMs) ?? null,
  idleRssMiB: s.idleRssMiB,
  ...(s.error ? { error: s.error } : {}),
});

const errorOf = (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) });

function baseNotes(opts: BenchOptions, cores: number): string[] {
  return [
    `All processes share ${cores} cores: the load generator (a worker thread of the bench process), the system under test, its upstream, Redis and the idle services. Nothing is pinned; absolute figures are lower than on dedicated hardware, and the side-by-side rows share the same handicap.`,
    `The load suites run the services from TypeScript sources through tsx, as \`npm start\` does; the footprint suite also starts each service the way its container does (esbuild bundle, \`${CONTAINER_COMMAND}\`, NODE_ENV=production, no source maps), and the cold-start and RSS goals are judged on that.`,
    'Gateway limits stay on: the per-user limit at its configured maximum (10,000/min) with the load spread over 256 end users (`x-user-id` of the delegate dev key) and the token budget raised, so every request still passes the Redis rate limiter without being refused.',
    'LLM answer caches are off in the pipeline, capacity and soak suites (every turn reaches the emulator), and on (the default) in the cache suite. Turns carry unique text; a degraded answer (a hop fell back) counts as an error.',
    'Open-model latency is measured from each request\'s intended send time (no coordinated omission); closed-model latency from the actual send.',
    ...(opts.quick
      ? [
          `Quick run: ${opts.plan.pipeline.durationMs / 1000}–${opts.plan.capacity.durationMs / 1000} s steps, ${opts.plan.coldStartRuns} cold start per service and a ${opts.plan.soak.seconds} s soak: tails are indicative only and the soak is too short to judge growth.`,
        ]
      : []),
  ];
}

async function run(opts: BenchOptions): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const h = new Harness({ runId: randomBytes(4).toString('hex'), quick: opts.quick });
  const onSignal = () => {
    h.log('interrupted: stopping every process this run started');
    void h.cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const machine = machineInfo(REPO_ROOT);
  const plan = opts.plan;
  const want = (s: string) => opts.suites.has(s as never);
  const suites: BenchResults['suites'] = {};
  const notes = baseNotes(opts, machine.cores);
  h.log(`run ${h.runId}: suites ${[...opts.suites].join(', ')}${opts.quick ? ' (quick)' : ''} on ${machine.cpuModel} ×${machine.cores}`);
  if (!existsSync(path.join(REPO_ROOT, 'apps/gateway/src/main.ts'))) notes.push('apps/gateway/src/main.ts does not exist: every gateway figure is missing.');

  // Phase A: gateway hop (+ the facade's cache) against the bare upstream.
  let facadeCache: NonNullable<CacheSuite['facade']> | undefined;
  const cacheErrors: string[] = [];
  if (want('hop') || want('cache')) {
    try {
      const a = await runHopPhase(h, plan, { hop: want('hop'), cache: want('cache') });
      if (a.hop) suites.hop = a.hop;
      if (a.facadeCache && isFailed(a.facadeCache)) cacheErrors.push(`facade: ${a.facadeCache.error}`);
      else facadeCache = a.facadeCache;
    } catch (err) {
      if (want('hop')) suites.hop = errorOf(err);
      cacheErrors.push(`facade: ${errorOf(err).error}`);
    }
  }

  // Phase B: the whole stack.
  let pipelineSteps: StepOutcome[] | undefined;
  let capacitySteps: StepOutcome[] | undefined;
  let idle: Record<string, number> = {};
  let cold: Awaited<ReturnType<typeof coldStarts>> = {};
  let pipelineCacheResult: CacheSuite['pipeline'];
  let soakResult: FootprintSuite['soak'];
  if (want('pipeline') || want('capacity') || want('cache') || want('footprint')) {
    const serviceEnv: Record<string, Record<string, string>> = {
      gateway: { GATEWAY_REDIS_PREFIX: `bench:${h.runId}:`, ...GATEWAY_LIMIT_ENV },
      'llm-emulator': { LLM_EMULATOR_LATENCY: 'fixed:0' },
    };
    let stack: Stack | undefined;
    try {
      h.log('stack: starting every service (1 replica each), LLM emulator at 0 ms, LLM caches off');
      stack = await h.startStack({ env: { LLM_CACHE_ENABLED: 'false' }, serviceEnv });
      if (want('footprint')) idle = await idleRss(stack, 5_000);
      const maxRate = Math.max(...(want('pipeline') ? plan.pipeline.rates : [1]), ...(want('capacity') ? plan.capacity.rates : [1]), plan.soak.rate);
      const poolSize = Math.min(4_000, Math.max(200, Math.ceil(maxRate * (opts.quick ? 3 : 8))));
      const gatewayUrl = stack.urls['gateway'] as string;
      h.log(`stack: creating ${poolSize} conversations`);
      const conversations = await createConversations(gatewayUrl, poolSize);
      const probe = conversations[conversations.length - 1] as { id: string; user: string };
      const healthy = async (before: string) => {
        if (!(await waitHealthyTurn(h, gatewayUrl, probe))) notes.push(`Before ${before}: the stack did not answer a whole (non-degraded) turn within 45 s.`);
      };

      if (want('pipeline')) {
        try {
          await healthy('the pipeline suite');
          const p = await runPipelineSuite(h, stack, plan, conversations);
          suites.pipeline = p.suite;
          pipelineSteps = p.steps;
        } catch (err) {
          suites.pipeline = errorOf(err);
        }
      }
      const lognormal = `lognormal:${SEED_LLM_LATENCY.p50Ms}:${SEED_LLM_LATENCY.p95Ms}`;
      if (want('capacity') || want('footprint') || want('cache')) {
        h.log(`stack: restarting the LLM emulator with ${lognormal}`);
        await stack.kill('llm-emulator');
        await stack.start('llm-emulator', { env: { LLM_EMULATOR_LATENCY: lognormal } });
      }
      if (want('capacity')) {
        try {
          await healthy('the capacity suite');
          const c = await runCapacitySuite(h, stack, plan, conversations);
          suites.capacity = c.suite;
          capacitySteps = c.steps;
        } catch (err) {
          suites.capacity = errorOf(err);
        }
      }
      if (want('footprint')) {
        try {
          await healthy('the soak');
          soakResult = await soak(h, stack, plan, conversations, lognormal);
        } catch (err) {
          soakResult = errorOf(err);
        }
      }
      if (want('cache')) {
        try {
          pipelineCacheResult = await pipelineCache(h, stack, plan, () => healthy('the pipeline cache suite'));
        } catch (err) {
          cacheErrors.push(`pipeline: ${errorOf(err).error}`);
        }
      }
      if (want('footprint')) cold = await coldStarts(h, stack, plan.coldStartRuns, serviceEnv, opts.quick ? 2_000 : 5_000);
    } catch (err) {
      const e = errorOf(err);
      h.log(`stack phase failed: ${e.error}`);
      for (const s of ['pipeline', 'capacity', 'footprint'] as const) if (want(s) && suites[s] === undefined) suites[s] = e;
      cacheErrors.push(`pipeline: ${e.error}`);
    } finally {
      await stack?.stop();
    }
  }

  if (want('cache')) {
    suites.cache =
      facadeCache || pipelineCacheResult
        ? {
            description:
              'Facade: the gateway facade at temperature 0 in front of the bare upstream, one connection: each question asked, then repeated, then asked in other words. ' +
              'Pipeline: POST /v1/chat through the whole pipeline (emulator at the seed latency) with the LLM caches on, one connection.',
            ...(facadeCache ? { facade: facadeCache } : {}),
            ...(pipelineCacheResult ? { pipeline: pipelineCacheResult } : {}),
            errors: cacheErrors,
          }
        : { error: cacheErrors.join('; ') || 'not run' };
  }
  // Production figures (the bundle) where measured, else the dev-mode ones, feed the cost model.
  const shippedStartMs: Record<string, number | null> = {};
  const shippedRssMiB: Record<string, number> = { ...idle };
  for (const [name, c] of Object.entries(cold)) {
    shippedStartMs[name] = median(c.bundle?.coldStartMs ?? []) ?? median(c.dev.coldStartMs) ?? null;
    if (c.bundle?.idleRssMiB) {
      for (const label of Object.keys(shippedRssMiB)) if (label === name || label.startsWith(`${name}#`)) delete shippedRssMiB[label];
      shippedRssMiB[name] = c.bundle.idleRssMiB;
    }
  }
  if (want('footprint') && suites.footprint === undefined) {
    const services: FootprintSuite['services'] = {};
    for (const label of new Set([...Object.keys(idle), ...Object.keys(cold)])) {
      const c = cold[label];
      services[label] = {
        dev: {
          coldStartMs: c?.dev.coldStartMs ?? [],
          coldStartMedianMs: median(c?.dev.coldStartMs ?? []) ?? null,
          idleRssMiB: idle[label] ?? null,
          ...(c?.dev.error ? { error: c.dev.error } : {}),
        },
        bundle: c?.bundle ? startFootprint(c.bundle) : null,
        ...(c?.bundleWithSourceMaps ? { bundleWithSourceMaps: startFootprint(c.bundleWithSourceMaps) } : {}),
      };
    }
    suites.footprint = {
      description:
        'Cold start: a fresh process of each service, spawn → first 200 on /ready (polled every 5 ms), median of the runs, two ways: dev = TypeScript through ' +
        `tsx as npm start runs it; bundle = the container command (${CONTAINER_COMMAND} of the esbuild bundle, NODE_ENV=production, no source maps); ` +
        'bundleWithSourceMaps = one more start of the same bundle with NODE_OPTIONS=--enable-source-maps (what turning source maps on costs). Idle RSS: ' +
        'dev = VmRSS of each stack process after 5 s idle before any load; bundle = VmRSS of a fresh bundle process a few seconds after /ready. Soak: steady ' +
        'turns at the seed LLM latency with VmRSS of the stack processes sampled; a growth trend is a least-squares slope ≥ 1 MiB/min after the first third ' +
        'and ≥ 3 MiB between the means of the middle and last thirds.',
      services,
      ...(soakResult ? { soak: soakResult } : {}),
    };
  }

  const finishedAt = new Date().toISOString();
  const costModel = pipelineSteps
    ? buildCostModel({
        cpuStep: pipelineSteps.filter((s) => s.pass).at(-1) ?? pipelineSteps[0],
        timeStep: capacitySteps?.find((s) => s.pass) ?? capacitySteps?.[0] ?? pipelineSteps[0],
        idleRssMiB: shippedRssMiB,
        coldStartMs: shippedStartMs,
        measuredAt: finishedAt,
      })
    : undefined;
  for (const exit of h.unexpectedExits) notes.push(`Unexpected process exit during the run: ${exit}.`);
  const loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
  const busiest = Math.max(machine.loadAverageAtStart[0] ?? 0, loadAverageAtEnd[0] ?? 0);
  if (busiest > machine.cores * 0.75) {
    notes.push(
      `The machine was busy with other work during the run (1-minute load average ${machine.loadAverageAtStart[0]} at the start, ${loadAverageAtEnd[0]} at the end, ` +
        `on ${machine.cores} cores): every figure is depressed by it.`,
    );
  }
  const results: BenchResults = {
    schema: RESULTS_SCHEMA,
    mode: opts.quick ? 'quick' : 'full',
    startedAt,
    finishedAt,
    machine: { ...machine, loadAverageAtEnd },
    options: { suites: [...opts.suites], plan },
    notes,
    suites,
    ...(costModel ? { costModel } : {}),
    goals: evaluateGoals({ suites, mode: opts.quick ? 'quick' : 'full' }),
  };
  await h.cleanup();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return results;
}

async function main(): Promise<void> {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    if (isUsageError(err)) {
      process.stderr.write(err.message === 'help' ? `${USAGE}\n` : `${err.message}\n${USAGE}\n`);
      process.exit(err.message === 'help' ? 0 : 2);
    }
    throw err;
  }
  const results = await run(opts);
  const markdown = renderMarkdown(results);
  const outDir = opts.outDir ? path.resolve(process.env['INIT_CWD'] ?? process.cwd(), opts.outDir) : path.join(REPO_ROOT, 'bench/results');
  const files = writeResults(outDir, results, markdown);
  process.stdout.write(`${markdown}\n`);
  process.stderr.write(`\nwrote ${[...files.perSuite, files.latestJson, files.latestMd].map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
