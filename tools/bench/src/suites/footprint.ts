import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, REPO_ROOT, SERVICE_NODE_FLAGS, SERVICES, type Stack } from '../dev.js';
import type { BenchPlan } from '../args.js';
import { spawnNode, waitHttp } from '../child.js';
import { bundleServices } from '../bundle.js';
import { median, round, rssSnapshot, stackProcesses, type Harness } from '../harness.js';
import { readRssMiB } from '../proc.js';
import { runLoad } from '../remote.js';
import type { Soak } from '../results.js';
import { turnWorkload } from './load-suites.js';

/** Processes that are stand-ins, not Support Mesh services (reported, never judged). */
export const INFRA_LABELS = new Set(['cosmos', 'llm-emulator']);

/** RSS of every stack process after it has been idle for `settleMs`. */
export async function idleRss(stack: Stack, settleMs: number): Promise<Record<string, number>> {
  await new Promise((r) => setTimeout(r, settleMs));
  return rssSnapshot(stackProcesses(stack));
}

/** Cold start (and, on the last run, idle RSS) of one way of starting a service. */
export interface StartSample {
  readonly coldStartMs: number[];
  idleRssMiB: number | null;
  /** Why a start failed (the first error line the process printed), when one did. */
  error?: string;
}

/** The most telling line a failed start printed: its last error or warning (or thrown error), else its last line. */
export function failureLine(lines: readonly string[]): string | undefined {
  const telling = [...lines].reverse().find((l) => /"level":"(error|fatal|warn)"|\b\w*Error\b/.test(l));
  return (telling ?? lines[lines.length - 1])?.trim().slice(0, 300);
}

async function startOnce(
  h: Harness,
  label: string,
  args: readonly string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; port: number; readyPath: string; rssAfterMs?: number },
): Promise<{ ms: number; rss: number | undefined } | { error: string }> {
  const since = performance.now();
  const proc = spawnNode(args, { cwd: opts.cwd, env: opts.env, onLine: (line) => h.line(label, line) });
  const untrack = h.track(() => proc.stop());
  try {
    const ms = await waitHttp(`http://127.0.0.1:${opts.port}${opts.readyPath}`, { since, pollMs: 5, timeoutMs: 20_000, isDead: proc.hasExited });
    let rss: number | undefined;
    if (opts.rssAfterMs !== undefined) {
      await new Promise((r) => setTimeout(r, opts.rssAfterMs));
      rss = readRssMiB(proc.pid);
    }
    return { ms: round(ms, 1), rss };
  } catch (err) {
    await proc.stop(5_000);
    const printed = failureLine(h.tail(label, 50));
    h.log(`cold start: ${label} failed: ${(err as Error).message}${printed ? `; it printed: ${printed}` : ''}`);
    return { error: `${(err as Error).message}${printed ? `; it printed: ${printed}` : ''}` };
  } finally {
    untrack();
    await proc.stop(10_000);
  }
}

/** The container's command as text, for reports: what infra/docker/Dockerfile runs (node with its CMD arguments). */
export const CONTAINER_COMMAND = `node ${SERVICE_NODE_FLAGS.join(' ')} main.mjs`;

/**
 * How the container image starts a service's bundle (infra/docker/Dockerfile: its entrypoint `node` with
 * `CMD [...SERVICE_NODE_FLAGS, "main.mjs"]` and `ENV NODE_ENV=production`). NODE_OPTIONS is set empty, as in the image,
 * so nothing of the bench's own environment leaks into the measured command. `sourceMaps` sets
 * `NODE_OPTIONS=--enable-source-maps`, as one turns source maps on when debugging a container (the image does not).
 */
export function containerCommand(file: string, opts: { sourceMaps?: boolean } = {}): { args: string[]; env: { NODE_ENV: string; NODE_OPTIONS: string } } {
  return {
    args: [...SERVICE_NODE_FLAGS, file],
    env: { NODE_ENV: 'production', NODE_OPTIONS: opts.sourceMaps ? '--enable-source-maps' : '' },
  };
}

export interface ColdStartResult {
  readonly dev: StartSample;
  readonly bundle: StartSample | null;
  /** One start of the same bundle with `--enable-source-maps` added (what turning source maps on for debugging costs). */
  readonly bundleWithSourceMaps: StartSample | null;
}

/**
 * Cold start of each service, two ways, `runs` times each, one process at a time, on free ports with the stack's
 * environment: `dev` = the stack's own command (TypeScript through tsx with `SERVICE_NODE_FLAGS`, as `npm start`);
 * `bundle` = the container's (`containerCommand`: `node <SERVICE_NODE_FLAGS> main.mjs` of an esbuild bundle,
 * NODE_ENV=production). Spawn → first 200 on `/ready`, polled every 5 ms. The bundle's idle RSS is read
 * `idleSettleMs` after its last start. Then one more start of the bundle with `--enable-source-maps` (diagnostic).
 */
export async function coldStarts(
  h: Harness,
  stack: Stack,
  runs: number,
  serviceEnv: Readonly<Record<string, Readonly<Record<string, string>>>>,
  idleSettleMs: number,
): Promise<Record<string, ColdStartResult>> {
  const out: Record<string, ColdStartResult> = {};
  const running = new Set(stack.processes.map((p) => p.name));
  const specs = SERVICES.filter((spec) => running.has(spec.name) && existsSync(path.join(REPO_ROOT, spec.entry)));
  const bundleRoot = mkdtempSync(path.join(tmpdir(), `supportmesh-bench-${h.runId}-`));
  let bundles: Record<string, string> = {};
  let bundleError: string | undefined;
  try {
    h.log(`cold start: bundling ${specs.length} services with esbuild (as the container image does)`);
    bundles = await bundleServices(REPO_ROOT, specs.map((s) => s.name), bundleRoot);
  } catch (err) {
    bundleError = `bundling failed: ${(err as Error).message.split('\n')[0]}`;
    h.log(`cold start: ${bundleError}`);
  }
  try {
    for (const spec of specs) {
      const readyPath = spec.readyPath ?? '/ready';
      const envFor = (port: number, i: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
        ...process.env,
        ...stack.env,
        ...serviceEnv[spec.name],
        ...extra,
        PORT: String(port),
        REPLICA_ID: `coldstart-${i + 1}`,
      });
      const dev: StartSample = { coldStartMs: [], idleRssMiB: null };
      for (let i = 0; i < runs; i++) {
        const port = await freePort();
        // The stack's own command line (tools/dev/src/stack.ts): the services' V8 flags as node arguments, then tsx.
        const r = await startOnce(h, `${spec.name}(dev)`, [...SERVICE_NODE_FLAGS, '--conditions=@supportmesh/source', '--import', 'tsx', path.join(REPO_ROOT, spec.entry)], {
          cwd: REPO_ROOT,
          env: envFor(port, i),
          port,
          readyPath,
        });
        if ('error' in r) dev.error = r.error;
        else dev.coldStartMs.push(r.ms);
      }
      let bundle: StartSample | null = bundleError ? { coldStartMs: [], idleRssMiB: null, error: bundleError } : null;
      try {
        const file = bundles[spec.name];
        if (file) {
          bundle = { coldStartMs: [], idleRssMiB: null };
          const shipped = containerCommand(file);
          for (let i = 0; i < runs; i++) {
            const port = await freePort();
            const r = await startOnce(h, `${spec.name}(bundle)`, shipped.args, {
              cwd: path.dirname(file),
              env: envFor(port, i, shipped.env),
              port,
              readyPath,
              ...(i === runs - 1 ? { rssAfterMs: idleSettleMs } : {}),
            });
            if ('error' in r) {
              bundle.error = r.error;
              break;
            }
            bundle.coldStartMs.push(r.ms);
            if (r.rss !== undefined) bundle.idleRssMiB = r.rss;
          }
        }
      } catch (err) {
        h.log(`cold start: ${spec.name} bundle failed: ${(err as Error).message}`);
      }
      let bundleWithSourceMaps: StartSample | null = null;
      const file = bundles[spec.name];
      if (file && bundle && bundle.coldStartMs.length > 0) {
        const port = await freePort();
        const debug = containerCommand(file, { sourceMaps: true });
        const r = await startOnce(h, `${spec.name}(bundle, with source maps)`, debug.args, {
          cwd: path.dirname(file),
          env: envFor(port, runs, debug.env),
          port,
          readyPath,
          rssAfterMs: idleSettleMs,
        });
        bundleWithSourceMaps = 'error' in r ? { coldStartMs: [], idleRssMiB: null, error: r.error } : { coldStartMs: [r.ms], idleRssMiB: r.rss ?? null };
      }
      h.log(
        `cold start: ${spec.name} dev ${dev.coldStartMs.map((v) => v.toFixed(0)).join('/')} ms, bundle ${bundle?.coldStartMs.map((v) => v.toFixed(0)).join('/') ?? '–'} ms, ` +
          `bundle idle RSS ${bundle?.idleRssMiB ?? '–'} MiB (${bundleWithSourceMaps?.idleRssMiB ?? '–'} MiB with source maps)`,
      );
      out[spec.name] = { dev, bundle, bundleWithSourceMaps };
    }
  } finally {
    rmSync(bundleRoot, { recursive: true, force: true });
  }
  return out;
}

/** Least-squares slope of (t s, v) in units per minute. */
export function slopePerMinute(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((s, [t]) => s + t, 0) / n;
  const mv = points.reduce((s, [, v]) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    num += (t - mt) * (v - mv);
    den += (t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

/** Growth verdict: a clear upward slope after warm-up that also shows in the means of the last two thirds. */
export const GROWTH_SLOPE_MIB_PER_MIN = 1;
export const GROWTH_MIN_MIB = 3;

export function judgeGrowth(samples: readonly { t: number; v: number }[]): { startMiB: number; endMiB: number; maxMiB: number; slopeMiBPerMin: number; growthTrend: boolean } {
  const values = samples.map((s) => s.v);
  const third = Math.floor(samples.length / 3);
  const steady = samples.slice(third);
  const mean = (xs: readonly { v: number }[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x.v, 0) / xs.length);
  const middle = samples.slice(third, 2 * third);
  const last = samples.slice(2 * third);
  const slope = slopePerMinute(steady.map((s) => [s.t, s.v] as const));
  return {
    startMiB: values[0] ?? 0,
    endMiB: values[values.length - 1] ?? 0,
    maxMiB: values.length === 0 ? 0 : Math.max(...values),
    slopeMiBPerMin: round(slope, 3),
    growthTrend: slope >= GROWTH_SLOPE_MIB_PER_MIN && mean(last) - mean(middle) >= GROWTH_MIN_MIB,
  };
}

/** Steady turns for `seconds` while RSS of every process is sampled; judges growth per process. */
export async function soak(h: Harness, stack: Stack, plan: BenchPlan, conversations: readonly { id: string; user: string }[], emulatorLatency: string): Promise<Soak> {
  const { seconds, rate, sampleEveryMs } = plan.soak;
  h.log(`soak: ${rate} turns/s for ${seconds} s, RSS sampled every ${(sampleEveryMs / 1000).toFixed(0)} s`);
  const samples: Soak['samples'] = [];
  const t0 = Date.now();
  const sample = () => samples.push({ t: round((Date.now() - t0) / 1000, 1), rssMiB: rssSnapshot(stackProcesses(stack)) });
  sample();
  const timer = setInterval(sample, sampleEveryMs);
  let load: Soak['load'];
  try {
    load = (
      await runLoad({
        model: 'open',
        rate,
        origin: stack.urls['gateway'] as string,
        workload: turnWorkload(conversations),
        options: { durationMs: seconds * 1000, timeoutMs: 30_000 },
      })
    ).result;
  } finally {
    clearInterval(timer);
  }
  sample();
  const labels = new Set(samples.flatMap((s) => Object.keys(s.rssMiB)));
  const services: Soak['services'] = {};
  for (const label of labels) {
    services[label] = judgeGrowth(samples.filter((s) => s.rssMiB[label] !== undefined).map((s) => ({ t: s.t, v: s.rssMiB[label] as number })));
  }
  return { seconds, rateRps: rate, emulatorLatency, load, samples, services };
}

export { median };
