import { readFileSync } from 'node:fs';
import { STREAMS } from '@supportmesh/contracts';
import { z } from 'zod';
import { CapacityInputError } from './capacity-input-error.js';
import type { ServiceTime } from './queueing.js';
import { serviceTimeFromMeanP95 } from './queueing.js';

/**
 * What each service does per gateway request, and what one request costs it. These are documented defaults until
 * `npm run bench` measures them (`--cost-model bench/results/latest.json` overrides any field per service).
 *
 * Traffic mix (per gateway request; a gateway request is a conversation create or a message turn):
 * - message share m = 5.6 / 6.6 (5.6 messages per conversation, see profiles.ts);
 * - per message turn: critic ×(1 + (1 − e)) (input screen, output review unless escalated), intent-classifier ×1,
 *   knowledge-retrieval ×1, escalation ×1, response-generator ×(1 − e), one `conversation.turn` event for analytics,
 *   e tickets on the tickets stream, and for the voice share v two speech calls (transcribe + synthesize);
 * - e = 12 % escalated turns, v = 5 % voice turns, plus 0.02 rps of analytics summary polls.
 *
 * Service times are wall times of one request *excluding* queueing and (for the gateway) the downstream hops, as
 * lognormal p50/p95 in seconds; response-generator uses the seed's LLM latency (p50 450 ms, p95 1.8 s).
 * Concurrency per pod: 50 for the LLM-bound agents (the llm-client pool's default `maxConnections`), more for
 * the I/O-light ones; CPU is the other bound (pods use up to their CPU limit).
 */

export interface StreamWork {
  readonly stream: string;
  /** Stream entries per gateway request. */
  readonly eventsPerGatewayRequest: number;
  /** Entries one ready pod can process per second. */
  readonly eventsPerSecondPerPod: number;
  /** Time an entry sits in the stream before a consumer reads it when the consumers keep up. */
  readonly readLatencySeconds: number;
}

export interface ServiceModel {
  readonly name: string;
  /** HTTP requests to this service per gateway request. */
  readonly perGatewayRequest: number;
  /** Requests per second regardless of traffic (dashboards, health of the business). */
  readonly backgroundRps: number;
  readonly serviceTime: ServiceTime;
  readonly cpuSecondsPerRequest: number;
  /** Requests one pod serves at once (pool / bulkhead size); more wait. */
  readonly concurrencyPerPod: number;
  readonly idleCpuCores: number;
  readonly memoryBaseMiB: number;
  readonly memoryPerInFlightMiB: number;
  readonly streams: readonly StreamWork[];
  /** Seconds from creating a pod to Ready (image cached: container start, app start, readiness probe). */
  readonly podStartupSeconds: number;
}

export const TRAFFIC_MIX = {
  messageShare: 5.6 / 6.6,
  escalationRate: 0.12,
  voiceShare: 0.05,
  analyticsSummaryRps: 0.02,
} as const;

const m = TRAFFIC_MIX.messageShare;
const e = TRAFFIC_MIX.escalationRate;

const base = {
  backgroundRps: 0,
  idleCpuCores: 0.01,
  memoryPerInFlightMiB: 0.25,
  streams: [] as readonly StreamWork[],
  podStartupSeconds: 20,
};

export const DEFAULT_SERVICE_MODELS: Readonly<Record<string, ServiceModel>> = {
  gateway: {
    ...base,
    name: 'gateway',
    perGatewayRequest: 1,
    serviceTime: { p50: 0.004, p95: 0.015 },
    cpuSecondsPerRequest: 0.003,
    concurrencyPerPod: 256,
    memoryBaseMiB: 180,
  },
  'intent-classifier': {
    ...base,
    name: 'intent-classifier',
    perGatewayRequest: m,
    serviceTime: { p50: 0.3, p95: 0.8 },
    cpuSecondsPerRequest: 0.002,
    concurrencyPerPod: 50,
    memoryBaseMiB: 150,
  },
  'knowledge-retrieval': {
    ...base,
    name: 'knowledge-retrieval',
    perGatewayRequest: m,
    serviceTime: { p50: 0.1, p95: 0.3 },
    cpuSecondsPerRequest: 0.006,
    concurrencyPerPod: 50,
    memoryBaseMiB: 350,
    podStartupSeconds: 40,
  },
  'response-generator': {
    ...base,
    name: 'response-generator',
    perGatewayRequest: m * (1 - e),
    serviceTime: { p50: 0.45, p95: 1.8 },
    cpuSecondsPerRequest: 0.004,
    concurrencyPerPod: 50,
    memoryBaseMiB: 200,
    memoryPerInFlightMiB: 0.5,
  },
  escalation: {
    ...base,
    name: 'escalation',
    perGatewayRequest: m,
    serviceTime: { p50: 0.01, p95: 0.03 },
    cpuSecondsPerRequest: 0.001,
    concurrencyPerPod: 128,
    memoryBaseMiB: 140,
    streams: [{ stream: STREAMS.tickets, eventsPerGatewayRequest: m * e, eventsPerSecondPerPod: 25, readLatencySeconds: 0.2 }],
  },
  analytics: {
    ...base,
    name: 'analytics',
    perGatewayRequest: 0,
    backgroundRps: TRAFFIC_MIX.analyticsSummaryRps,
    serviceTime: { p50: 0.02, p95: 0.06 },
    cpuSecondsPerRequest: 0.002,
    concurrencyPerPod: 64,
    memoryBaseMiB: 160,
    streams: [{ stream: STREAMS.conversationTurn, eventsPerGatewayRequest: m, eventsPerSecondPerPod: 400, readLatencySeconds: 0.5 }],
  },
  critic: {
    ...base,
    name: 'critic',
    perGatewayRequest: m * (2 - e),
    serviceTime: { p50: 0.02, p95: 0.08 },
    cpuSecondsPerRequest: 0.003,
    concurrencyPerPod: 128,
    memoryBaseMiB: 160,
  },
  'speech-connector': {
    ...base,
    name: 'speech-connector',
    perGatewayRequest: m * TRAFFIC_MIX.voiceShare * 2,
    serviceTime: { p50: 1.2, p95: 3.5 },
    cpuSecondsPerRequest: 0.02,
    concurrencyPerPod: 16,
    memoryBaseMiB: 220,
    memoryPerInFlightMiB: 2,
  },
};

/** A service the model does not know: a small generic HTTP service, with a warning from the caller. */
export function genericServiceModel(name: string): ServiceModel {
  return { ...base, name, perGatewayRequest: 0, serviceTime: { p50: 0.05, p95: 0.2 }, cpuSecondsPerRequest: 0.002, concurrencyPerPod: 64, memoryBaseMiB: 150 };
}

/**
 * The per-request cost model `npm run bench` is expected to write (any field optional, per service):
 * `{ "services": { "response-generator": { "p50Ms": 450, "p95Ms": 1800, "cpuMsPerRequest": 4 } } }`
 * (`meanMs` may replace `p50Ms`; the object may also sit under a top-level `costModel` key).
 */
const ServiceCost = z.looseObject({
  p50Ms: z.number().positive().optional(),
  meanMs: z.number().positive().optional(),
  p95Ms: z.number().positive().optional(),
  cpuMsPerRequest: z.number().nonnegative().optional(),
  concurrencyPerPod: z.number().int().positive().optional(),
  rssMiB: z.number().positive().optional(),
  podStartupSeconds: z.number().nonnegative().optional(),
});
const ServiceCosts = z.record(z.string(), ServiceCost);
const CostModelFile = z
  .looseObject({ services: ServiceCosts.optional(), costModel: z.looseObject({ services: ServiceCosts }).optional() })
  .refine((f) => f.services !== undefined || f.costModel !== undefined, 'needs "services" (or "costModel.services")');
export type ServiceCostOverride = z.infer<typeof ServiceCost>;

export interface CostModel {
  readonly source: string;
  readonly services: Readonly<Record<string, ServiceCostOverride>>;
}

export function loadCostModel(path: string): CostModel {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CapacityInputError(`--cost-model ${path}: cannot read JSON (${(cause as Error).message})`, { cause });
  }
  const parsed = CostModelFile.safeParse(raw);
  if (!parsed.success) {
    throw new CapacityInputError(
      `--cost-model ${path}: expected { "services": { "<service>": { "p50Ms"|"meanMs", "p95Ms", "cpuMsPerRequest", "concurrencyPerPod", "rssMiB" } } } — ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  const services = parsed.data.services ?? parsed.data.costModel?.services ?? {};
  return { source: path, services };
}

/** Applies measured values over the defaults. */
export function applyCostModel(model: ServiceModel, override: ServiceCostOverride | undefined): ServiceModel {
  if (!override) return model;
  let serviceTime = model.serviceTime;
  if (override.p50Ms !== undefined || override.meanMs !== undefined || override.p95Ms !== undefined) {
    const p95 = (override.p95Ms ?? model.serviceTime.p95 * 1000) / 1000;
    if (override.p50Ms !== undefined) serviceTime = { p50: override.p50Ms / 1000, p95: Math.max(p95, override.p50Ms / 1000) };
    else if (override.meanMs !== undefined) serviceTime = serviceTimeFromMeanP95(override.meanMs / 1000, p95);
    else serviceTime = { p50: Math.min(model.serviceTime.p50, p95), p95 };
  }
  return {
    ...model,
    serviceTime,
    cpuSecondsPerRequest: override.cpuMsPerRequest !== undefined ? override.cpuMsPerRequest / 1000 : model.cpuSecondsPerRequest,
    concurrencyPerPod: override.concurrencyPerPod ?? model.concurrencyPerPod,
    memoryBaseMiB: override.rssMiB ?? model.memoryBaseMiB,
    podStartupSeconds: override.podStartupSeconds ?? model.podStartupSeconds,
  };
}
