import type { Stack } from '../dev.js';
import type { BenchPlan } from '../args.js';
import { GATEWAY_AUTH, type Harness } from '../harness.js';
import { TURN_TEXTS } from '../questions.js';
import type { CapacitySuite, PipelineSuite } from '../results.js';
import type { Workload } from '../workloads.js';
import { maxPassing, stepRates, type StepOutcome } from './steps.js';

export const PIPELINE_SLO_P99_MS = 50;
export const CAPACITY_SLO_P95_MS = 2_000;
export const SEED_LLM_LATENCY = { p50Ms: 450, p95Ms: 1_800 } as const;

const ENDPOINT = 'POST /v1/conversations/{id}/messages';

export function turnWorkload(conversations: readonly { id: string; user: string }[]): Workload {
  return { kind: 'turn', headers: GATEWAY_AUTH, conversations, texts: TURN_TEXTS };
}

function reportOf(steps: readonly StepOutcome[], pick: 'highestPassing' | 'lowestPassing'): StepOutcome | undefined {
  const passing = steps.filter((s) => s.pass);
  if (passing.length === 0) return steps[0];
  return pick === 'highestPassing' ? passing[passing.length - 1] : passing[0];
}

/** Full pipeline with the LLM emulator at 0 ms: the highest arrival rate whose p99 stays under 50 ms with no errors. */
export async function runPipelineSuite(
  h: Harness,
  stack: Stack,
  plan: BenchPlan,
  conversations: readonly { id: string; user: string }[],
): Promise<{ suite: PipelineSuite; steps: StepOutcome[] }> {
  const steps = await stepRates(h, stack, {
    label: 'pipeline',
    workload: turnWorkload(conversations),
    rates: plan.pipeline.rates,
    warmupMs: plan.pipeline.warmupMs,
    durationMs: plan.pipeline.durationMs,
    pass: (r) => r.ok > 0 && r.errorCount === 0 && r.latency.p99Ms < PIPELINE_SLO_P99_MS,
  });
  const best = reportOf(steps, 'highestPassing');
  return {
    steps,
    suite: {
      description:
        `Every service as its own process (1 replica each), LLM emulator at fixed 0 ms, LLM answer caches off (every turn reaches the emulator). ` +
        `Open model: ${ENDPOINT} at stepped arrival rates over ${conversations.length} pre-created multi-turn conversations, unique text per turn; ` +
        `a step passes with p99 < ${PIPELINE_SLO_P99_MS} ms and no errors (a degraded answer counts as an error). Stepping stops at the first failing step.`,
      endpoint: ENDPOINT,
      slo: { p99Ms: PIPELINE_SLO_P99_MS },
      steps: steps.map((s) => ({ rate: s.rate, pass: s.pass, result: s.result })),
      maxRatePassing: maxPassing(steps),
      perHopMs: best?.report.perHopMs ?? {},
    },
  };
}

/** Full pipeline with the seed's LLM latency: the highest sustained rate with p95 < 2 s and 0 errors. */
export async function runCapacitySuite(
  h: Harness,
  stack: Stack,
  plan: BenchPlan,
  conversations: readonly { id: string; user: string }[],
): Promise<{ suite: CapacitySuite; steps: StepOutcome[] }> {
  const steps = await stepRates(h, stack, {
    label: 'capacity',
    workload: turnWorkload(conversations),
    rates: plan.capacity.rates,
    warmupMs: plan.capacity.warmupMs,
    durationMs: plan.capacity.durationMs,
    pass: (r) => r.ok > 0 && r.errorCount === 0 && r.latency.p95Ms < CAPACITY_SLO_P95_MS,
  });
  const maxRate = maxPassing(steps);
  const atMax = steps.find((s) => s.rate === maxRate);
  const best = reportOf(steps, 'highestPassing');
  return {
    steps,
    suite: {
      description:
        `Same stack and workload as the pipeline suite, LLM emulator lognormal (p50 ${SEED_LLM_LATENCY.p50Ms} ms, p95 ${SEED_LLM_LATENCY.p95Ms} ms, the seed's ` +
        `Azure OpenAI figures), LLM caches off. A step passes with p95 < ${CAPACITY_SLO_P95_MS} ms and 0 errors. Concurrent conversations = turns the ` +
        `stack held open at once at the highest passing rate (generator in-flight count).`,
      endpoint: ENDPOINT,
      emulatorLatency: { ...SEED_LLM_LATENCY },
      slo: { p95Ms: CAPACITY_SLO_P95_MS, maxErrors: 0 },
      steps: steps.map((s) => ({ rate: s.rate, pass: s.pass, result: s.result })),
      maxRatePassing: maxRate,
      concurrentConversations: atMax
        ? { max: atMax.result.maxInFlight, mean: atMax.result.meanInFlight, conversationsUsed: Math.min(conversations.length, atMax.result.sent) }
        : null,
      perHopMs: best?.report.perHopMs ?? {},
    },
  };
}

export { reportOf };
