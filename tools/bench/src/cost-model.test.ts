import { describe, expect, it } from 'vitest';
import { buildCostModel } from './cost-model.js';
import { latency, load } from './testing/fixtures.js';
import type { StepOutcome } from './suites/steps.js';

const step: StepOutcome = {
  rate: 100,
  pass: true,
  result: load({ model: 'open', targetRps: 100 }),
  report: { perServiceMs: { critic: latency(1.5, 6), 'response-generator': latency(450, 2000), gateway: latency(2, 8) } },
  usage: {
    // two critic replicas, infra stand-ins present
    cpuMs: { gateway: 2_000, 'critic#1': 600, 'critic#2': 400, analytics: 300, cosmos: 5_000, 'llm-emulator': 900 },
    served: { gateway: 1_000, critic: 2_000, analytics: 0 },
    wallMs: 11_000,
  },
};

describe('cost model', () => {
  const model = buildCostModel({ cpuStep: step, timeStep: step, idleRssMiB: { gateway: 70, 'critic#1': 60, 'critic#2': 64, cosmos: 150 }, coldStartMs: { gateway: 800 }, measuredAt: 'now' });

  it('divides process CPU by the requests each service counted, summing replicas', () => {
    expect(model.turns).toBe(1_000);
    expect(model.services['gateway']).toMatchObject({ cpuMsPerRequest: 2, cpuMsPerTurn: 2, requestsPerTurn: 1 });
    expect(model.services['critic']).toMatchObject({ cpuMsPerRequest: 0.5, cpuMsPerTurn: 1, requestsPerTurn: 2 });
  });

  it('gives a per-turn cost to a service that serves no HTTP per turn (stream consumer)', () => {
    expect(model.services['analytics']).toEqual({ cpuMsPerTurn: 0.3, requestsPerTurn: 0 });
  });

  it('carries wall times, idle RSS (largest replica) and cold start in the simulator\'s field names', () => {
    expect(model.services['response-generator']).toMatchObject({ p50Ms: 450, p95Ms: 1800 });
    expect(model.services['critic']).toMatchObject({ rssMiB: 64 });
    expect(model.services['gateway']).toMatchObject({ podStartupSeconds: 0.8, rssMiB: 70 });
  });

  it('leaves the stand-ins (Cosmos, LLM emulator) out', () => {
    expect(Object.keys(model.services).sort()).toEqual(['analytics', 'critic', 'gateway', 'response-generator']);
  });
});
