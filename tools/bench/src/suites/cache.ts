import type { Stack } from '../dev.js';
import type { BenchPlan } from '../args.js';
import { GATEWAY_AUTH, scrape, sumMetric, type Harness } from '../harness.js';
import { PARAPHRASES, QUESTIONS } from '../questions.js';
import { runLoad } from '../remote.js';
import type { CacheSuite } from '../results.js';
import type { Workload } from '../workloads.js';

/** Services that call the LLM through the llm-client (and so have its answer caches). */
export const LLM_SERVICES = ['response-generator', 'intent-classifier', 'critic'] as const;

async function cacheHits(stack: Stack): Promise<number | null> {
  const url = stack.urls['response-generator'];
  const text = url ? await scrape(url) : undefined;
  return text === undefined ? null : sumMetric(text, 'cache_hits_total');
}

/**
 * Repeated and paraphrased questions through the whole pipeline (`POST /v1/chat`, one connection), after turning
 * the LLM answer caches back on (the product default) in the services that have them. The emulator keeps the seed's
 * latency, so a miss costs an LLM call and a hit does not.
 */
export async function pipelineCache(h: Harness, stack: Stack, plan: BenchPlan, afterRestart: () => Promise<void>): Promise<NonNullable<CacheSuite['pipeline']>> {
  for (const name of LLM_SERVICES) {
    if (!stack.processes.some((p) => p.name === name && !p.hasExited)) continue;
    h.log(`cache: restarting ${name} with its LLM caches on`);
    await stack.kill(name);
    await stack.start(name, { env: { LLM_CACHE_ENABLED: 'true', RESPOND_CACHE_PREFIX: `bench:${h.runId}:rg:` } });
  }
  await afterRestart();
  const n = Math.min(plan.cache.questions, QUESTIONS.length);
  const origin = stack.urls['gateway'] as string;
  const workload = (texts: readonly string[]): Workload => ({ kind: 'chat-turns', headers: { ...GATEWAY_AUTH, 'x-user-id': 'bench-cache' }, texts });
  const run = (texts: readonly string[], maxRequests: number) =>
    runLoad({ model: 'closed', connections: 1, maxRequests, origin, workload: workload(texts), options: { durationMs: 300_000 } });
  h.log(`cache: pipeline, ${n} questions, then each asked ${plan.cache.repeats}× more, then ${n} paraphrases`);
  const first = await run(QUESTIONS.slice(0, n), n);
  const hits0 = await cacheHits(stack);
  const repeated = await run(QUESTIONS.slice(0, n), n * plan.cache.repeats);
  const paraphrased = await run(PARAPHRASES.slice(0, n), n);
  const hits1 = await cacheHits(stack);
  const errors = first.result.errorCount + repeated.result.errorCount + paraphrased.result.errorCount;
  if (errors > 0) h.log(`cache: ${errors} pipeline errors: ${JSON.stringify({ ...first.result.errors, ...repeated.result.errors, ...paraphrased.result.errors })}`);
  return {
    first: first.result.latency,
    repeated: repeated.result.latency,
    paraphrased: paraphrased.result.latency,
    responseGeneratorCacheHits: hits0 === null || hits1 === null ? null : Math.max(0, Math.round(hits1 - hits0)),
    requests: repeated.result.sent + paraphrased.result.sent,
  };
}
