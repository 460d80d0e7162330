import { SERVICES } from './dev.js';
import { round } from './harness.js';
import type { CostModel } from './results.js';
import type { StepOutcome } from './suites/steps.js';

export interface CostModelInputs {
  /** The step whose CPU and request counts are used (the pipeline suite's highest passing step). */
  readonly cpuStep: StepOutcome | undefined;
  /** The step whose per-service wall times are used (the capacity suite's lowest passing step, seed LLM latency). */
  readonly timeStep: StepOutcome | undefined;
  /** Idle RSS per process label. */
  readonly idleRssMiB: Readonly<Record<string, number>>;
  /** Median cold start per service (ms). */
  readonly coldStartMs: Readonly<Record<string, number | null>>;
  readonly measuredAt: string;
}

const SERVICE_NAMES = new Set(SERVICES.map((s) => s.name));
const serviceOfLabel = (label: string) => label.replace(/#\d+$/, '');

/**
 * The per-service cost model the capacity simulator reads: CPU per request and per pipeline turn (process CPU from
 * /proc over a fixed-rate step ÷ requests the service counted in its own metrics), its wall time per request as the
 * gateway saw the hop, idle RSS and cold start.
 */
export function buildCostModel(input: CostModelInputs): CostModel {
  const services: CostModel['services'] = {};
  const entry = (name: string) => (services[name] ??= {});
  const step = input.cpuStep;
  const turns = step?.usage.served['gateway'] ?? 0;
  if (step && turns > 0) {
    const cpuByService: Record<string, number> = {};
    for (const [label, ms] of Object.entries(step.usage.cpuMs)) {
      const name = serviceOfLabel(label);
      if (SERVICE_NAMES.has(name)) cpuByService[name] = (cpuByService[name] ?? 0) + ms;
    }
    for (const [name, cpu] of Object.entries(cpuByService)) {
      const served = step.usage.served[name] ?? 0;
      const e = entry(name);
      e.cpuMsPerTurn = round(cpu / turns, 4);
      e.requestsPerTurn = round(served / turns, 4);
      if (served > 0) e.cpuMsPerRequest = round(cpu / served, 4);
    }
  }
  for (const [name, t] of Object.entries(input.timeStep?.report.perServiceMs ?? {})) {
    if (!SERVICE_NAMES.has(name) || t.count === 0) continue;
    const e = entry(name);
    if (t.p50Ms > 0) e.p50Ms = t.p50Ms;
    if (t.p95Ms > 0) e.p95Ms = Math.max(t.p95Ms, t.p50Ms);
  }
  for (const [label, mib] of Object.entries(input.idleRssMiB)) {
    const name = serviceOfLabel(label);
    if (!SERVICE_NAMES.has(name) || !(mib > 0)) continue;
    const e = entry(name);
    e.rssMiB = Math.max(e.rssMiB ?? 0, mib);
  }
  for (const [name, ms] of Object.entries(input.coldStartMs)) {
    if (ms !== null && SERVICE_NAMES.has(name)) entry(name).podStartupSeconds = round(ms / 1000, 3);
  }
  return {
    source: 'npm run bench (tools/bench): CPU from /proc/<pid>/stat over a fixed-rate pipeline step; wall times from the gateway per-hop breakdown at the seed LLM latency',
    measuredAt: input.measuredAt,
    turns,
    rateRps: step?.rate ?? 0,
    services,
  };
}
