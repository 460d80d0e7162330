import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, REPO_ROOT, type Stack } from '../dev.js';
import type { BenchPlan } from '../args.js';
import { spawnNode, waitHttp, type NodeChild } from '../child.js';
import { BENCH_USERS, GATEWAY_AUTH, GATEWAY_LIMIT_ENV, round, sleep, type Harness } from '../harness.js';
import { portkeyHeaders, startPortkey, type Portkey } from '../portkey.js';
import { readCpuMs } from '../proc.js';
import { PARAPHRASES, QUESTIONS } from '../questions.js';
import { runLoad, type LoadJob } from '../remote.js';
import type { CacheSuite, HopSuite } from '../results.js';
import type { Workload } from '../workloads.js';

/** Published figures printed beside ours (not measured here). */
export const HOP_ANCHORS: HopSuite['anchors'] = [
  {
    name: 'Portkey (published)',
    metric: 'added p99 at concurrency 1',
    valueMs: 2.8,
    source: 'figure quoted in issue 5; its original source was not re-verified here (the Portkey README itself claims "<1ms latency")',
  },
  {
    name: 'LiteLLM (published)',
    metric: 'overhead p99 at ~1,000 rps',
    valueMs: 43,
    source: 'https://docs.litellm.ai/docs/benchmarks ("LiteLLM Overhead Duration" p99 43 ms at 1,035.7 rps, 2 instances of 4 CPU / 8 GB)',
  },
];

type TargetName = 'direct' | 'supportmesh' | 'portkey';

const CACHE_HEADER = 'x-supportmesh-cache';

function portkeyVersion(): string {
  try {
    const pkg = fileURLToPath(import.meta.resolve('@portkey-ai/gateway/package.json'));
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The bare upstream in its own process (never sharing an event loop with the generator). */
async function startUpstreamProcess(h: Harness): Promise<{ url: string; proc: NodeChild }> {
  const port = await freePort();
  const entry = fileURLToPath(new URL('../upstream-main.ts', import.meta.url));
  const proc = spawnNode(['--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, BENCH_UPSTREAM_PORT: String(port) },
    onLine: (line) => h.line('upstream', line),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/ready`, { timeoutMs: 30_000, pollMs: 50, isDead: proc.hasExited });
  return { url, proc };
}

export interface HopPhaseResult {
  hop?: HopSuite | { error: string };
  facadeCache?: NonNullable<CacheSuite['facade']> | { error: string };
}

/**
 * Gateway hop: the same chat completion, same load, same run, against (a) the bare upstream directly, (b) the
 * Support Mesh gateway facade in front of it, (c) Portkey in front of it. Also the facade's cache figures (the
 * gateway is up anyway): repeated and paraphrased questions at temperature 0.
 */
export async function runHopPhase(h: Harness, plan: BenchPlan, want: { hop: boolean; cache: boolean }): Promise<HopPhaseResult> {
  h.log('hop: starting the bare upstream, the gateway (facade → upstream) and Portkey');
  const upstream = await startUpstreamProcess(h);
  const untrackUpstream = h.track(() => upstream.proc.stop());
  let stack: Stack | undefined;
  let portkey: Portkey | undefined;
  let untrackPortkey: () => void = () => undefined;
  try {
    stack = await h.startStack({
      services: ['gateway'],
      serviceEnv: {
        gateway: { LLM_ENDPOINT: `${upstream.url}/v1`, GATEWAY_REDIS_PREFIX: `bench:${h.runId}:`, LLM_CACHE_ENABLED: 'true', ...GATEWAY_LIMIT_ENV },
      },
    });
    const gatewayUrl = stack.urls['gateway'] as string;
    const gatewayPid = stack.processes.find((p) => p.name === 'gateway')?.child.pid;
    const models = await fetch(`${gatewayUrl}/openai/v1/models`, { headers: GATEWAY_AUTH }).catch(() => undefined);
    const facadeMounted = models?.status === 200;
    if (models) await models.arrayBuffer();
    if (!facadeMounted) h.log(`hop: the gateway does not serve /openai/v1 (GET /openai/v1/models → ${models?.status ?? 'no answer'}); its rows are marked`);
    if (want.hop) {
      const started = await startPortkey({ onLine: (line) => h.line('portkey', line) });
      portkey = started;
      untrackPortkey = h.track(() => started.close());
    }

    const result: HopPhaseResult = {};
    if (want.hop) {
      try {
        result.hop = await hopRuns(h, plan, { upstream, gatewayUrl, gatewayPid, facadeMounted, portkey: portkey as Portkey });
      } catch (err) {
        result.hop = { error: (err as Error).message };
      }
    }
    if (want.cache) {
      try {
        result.facadeCache = facadeMounted ? await facadeCache(h, plan, gatewayUrl) : { error: 'the gateway does not serve /openai/v1' };
      } catch (err) {
        result.facadeCache = { error: (err as Error).message };
      }
    }
    return result;
  } finally {
    untrackPortkey();
    await portkey?.close();
    await stack?.stop();
    untrackUpstream();
    await upstream.proc.stop();
  }
}

async function hopRuns(
  h: Harness,
  plan: BenchPlan,
  env: { upstream: { url: string; proc: NodeChild }; gatewayUrl: string; gatewayPid: number | undefined; facadeMounted: boolean; portkey: Portkey },
): Promise<HopSuite> {
  const { upstream, gatewayUrl, portkey } = env;
  const path = '/v1/chat/completions';
  const targets: Record<TargetName, { origin: string; workload: Workload; pid: number | undefined }> = {
    direct: { origin: upstream.url, workload: { kind: 'chat', path, headers: { authorization: 'Bearer sk-bench' } }, pid: upstream.proc.pid },
    supportmesh: {
      origin: gatewayUrl,
      workload: { kind: 'chat', path: `/openai${path}`, headers: GATEWAY_AUTH, rotateUsers: BENCH_USERS, cacheHeader: CACHE_HEADER },
      pid: env.gatewayPid,
    },
    portkey: { origin: portkey.url, workload: { kind: 'chat', path, headers: portkeyHeaders(upstream.url) }, pid: portkey.pid },
  };
  const loads: { name: string; job: (t: { origin: string; workload: Workload }) => LoadJob }[] = [
    ...plan.hop.connections.map((c) => ({
      name: `closed-${c}`,
      job: (t: { origin: string; workload: Workload }): LoadJob => ({ model: 'closed', connections: c, ...t, options: { durationMs: plan.hop.durationMs, warmupMs: plan.hop.warmupMs } }),
    })),
    ...plan.hop.rates.map((r) => ({
      name: `open-${r}`,
      job: (t: { origin: string; workload: Workload }): LoadJob => ({ model: 'open', rate: r, ...t, options: { durationMs: plan.hop.durationMs, warmupMs: plan.hop.warmupMs } }),
    })),
  ];
  const runs: HopSuite['runs'] = [];
  for (const load of loads) {
    const inLoad: HopSuite['runs'][number][] = [];
    for (const name of ['direct', 'supportmesh', 'portkey'] as const) {
      const t = targets[name];
      if (name === 'supportmesh' && !env.facadeMounted) {
        inLoad.push({ load: load.name, target: name, error: 'the gateway does not serve /openai/v1 (facade not mounted)' });
        continue;
      }
      h.log(`hop: ${load.name} → ${name}`);
      const cpu0 = { proxy: t.pid ? readCpuMs(t.pid) : undefined, upstream: readCpuMs(upstream.proc.pid) };
      try {
        const { result } = await runLoad(load.job(t));
        const cpu1 = { proxy: t.pid ? readCpuMs(t.pid) : undefined, upstream: readCpuMs(upstream.proc.pid) };
        // Warm-up requests used CPU too: divide by every request of the run.
        const total = Math.max(1, result.sent + Math.round(((load.name.startsWith('open') ? result.targetRps ?? 0 : result.throughputRps) * plan.hop.warmupMs) / 1000));
        const per = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? round((b - a) / total, 4) : undefined);
        const proxyCpu = per(cpu0.proxy, cpu1.proxy);
        const upstreamCpu = per(cpu0.upstream, cpu1.upstream);
        inLoad.push({
          load: load.name,
          target: name,
          result,
          ...(proxyCpu !== undefined ? { proxyCpuMsPerRequest: proxyCpu } : {}),
          ...(upstreamCpu !== undefined ? { upstreamCpuMsPerRequest: upstreamCpu } : {}),
        });
        h.log(`hop:   ${result.throughputRps} rps, p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms, errors ${result.errorCount}`);
      } catch (err) {
        inLoad.push({ load: load.name, target: name, error: (err as Error).message });
      }
      await sleep(500);
    }
    const direct = inLoad.find((r) => r.target === 'direct')?.result;
    for (const r of inLoad) {
      if (direct && r.result && r.target !== 'direct') {
        r.addedP50Ms = round(r.result.latency.p50Ms - direct.latency.p50Ms);
        r.addedP99Ms = round(r.result.latency.p99Ms - direct.latency.p99Ms);
      }
      runs.push(r);
    }
  }
  return {
    description:
      'Same OpenAI chat completion (unique content per request, temperature 0.7), same load, same run. direct: a bare Node http server ' +
      'returning a fixed chat.completion JSON, in its own process. supportmesh: the gateway facade POST /openai/v1/chat/completions with ' +
      'API-key auth, per-user rate limit and token budget in Redis, Prometheus metrics, and the pooled llm-client, in front of that upstream ' +
      '(every answer checked to be a cache MISS). portkey: the Portkey OSS gateway from npm in front of the same upstream. Closed model: ' +
      'N connections back to back; open model: fixed arrival rate, latency from the intended send time.',
    targets: {
      direct: 'bare Node http upstream (own process)',
      supportmesh: `Support Mesh gateway facade (own process) → upstream`,
      portkey: `Portkey OSS gateway ${portkeyVersion()} (own process, headless) → upstream`,
    },
    runs,
    anchors: HOP_ANCHORS,
  };
}

async function facadeCache(h: Harness, plan: BenchPlan, gatewayUrl: string): Promise<NonNullable<CacheSuite['facade']>> {
  const n = Math.min(plan.cache.questions, QUESTIONS.length);
  const questions = QUESTIONS.slice(0, n);
  const base = { origin: gatewayUrl, options: { durationMs: 120_000 } } as const;
  const workload = (qs: readonly string[]): Workload => ({ kind: 'cache', path: '/openai/v1/chat/completions', headers: { ...GATEWAY_AUTH, 'x-user-id': 'bench-cache' }, questions: qs, cacheHeader: CACHE_HEADER });
  h.log(`cache: facade, ${n} questions asked ${plan.cache.repeats + 1}× each, then ${n} paraphrases (temperature 0, one connection)`);
  const exact = await runLoad({ ...base, model: 'closed', connections: 1, maxRequests: n * (plan.cache.repeats + 1), workload: workload(questions) });
  const para = await runLoad({ ...base, model: 'closed', connections: 1, maxRequests: n, workload: workload(PARAPHRASES.slice(0, n)) });
  const empty = { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
  const by = (r: typeof exact, k: string) => r.report.byCacheStatus?.[k] ?? empty;
  return {
    miss: by(exact, 'MISS'),
    exact: { requests: exact.result.sent, hits: by(exact, 'ANY_HIT').count, hitLatency: by(exact, 'ANY_HIT'), latency: exact.result.latency },
    paraphrase: { requests: para.result.sent, hits: by(para, 'ANY_HIT').count, hitLatency: by(para, 'ANY_HIT'), latency: para.result.latency },
  };
}
