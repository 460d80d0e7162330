import { z } from 'zod';

/** Bump when a field changes meaning or disappears (adding optional fields keeps version 1). */
export const RESULT_SCHEMA_VERSION = 1;

const Num = z.number().finite();
const NonNeg = z.number().finite().nonnegative();
const Count = z.number().int().nonnegative();

/** Latency percentiles in milliseconds from an HdrHistogram (3 significant digits). */
export const LatencyStats = z.object({
  count: Count,
  min: NonNeg,
  mean: NonNeg,
  p50: NonNeg,
  p90: NonNeg,
  p95: NonNeg,
  p99: NonNeg,
  p999: NonNeg,
  max: NonNeg,
});
export type LatencyStats = z.infer<typeof LatencyStats>;

export const MessageClass = z.enum(['simple', 'moderate', 'complex']);
export type MessageClass = z.infer<typeof MessageClass>;

/** `create` = POST /v1/conversations, `message` = a turn, `chat` = POST /v1/chat, `probe` = recovery probes. */
export const Operation = z.enum(['create', 'message', 'chat', 'probe']);
export type Operation = z.infer<typeof Operation>;

export const SloStatus = z.enum(['pass', 'fail', 'skipped']);
export type SloStatus = z.infer<typeof SloStatus>;

export const SloResult = z.object({
  id: z.string(),
  description: z.string(),
  target: z.string(),
  actual: z.string(),
  status: SloStatus,
  detail: z.string().optional(),
});
export type SloResult = z.infer<typeof SloResult>;

export const PhaseResult = z.object({
  name: z.string(),
  startS: NonNeg,
  endS: NonNeg,
  targetRps: NonNeg.optional(),
  requests: Count,
  errors: Count,
  errorRate: NonNeg,
  throughputRps: NonNeg,
  latencyMs: LatencyStats,
  /** Capacity steps: whether the step met the SLO. */
  passed: z.boolean().optional(),
});
export type PhaseResult = z.infer<typeof PhaseResult>;

/** One second of the run (latencies of the requests that completed in that second). */
export const TimelinePoint = z.object({
  t: NonNeg,
  requests: Count,
  ok: Count,
  errors: Count,
  /** Successful replies without any degraded hop. */
  clean: Count,
  inFlight: Count,
  p50: NonNeg,
  p95: NonNeg,
  p99: NonNeg,
  max: NonNeg,
});
export type TimelinePoint = z.infer<typeof TimelinePoint>;

export const ServiceSignal = z.object({
  up: z.boolean(),
  /** `http_server_requests_in_flight` of the pod that answered the scrape. */
  inFlight: NonNeg.optional(),
  /** p95 of `http_server_request_duration_seconds` over the last 60 s (as KEDA's Prometheus query would see it). */
  p95Ms: NonNeg.optional(),
  /** `circuit_breaker_state{name}`: 0 closed, 1 half-open, 2 open. */
  breakers: z.record(z.string(), Num).optional(),
  poolActive: NonNeg.optional(),
  poolAvailable: NonNeg.optional(),
  poolWaiting: NonNeg.optional(),
  /** Largest Redis stream lag / pending-entries metric the service exposes. */
  streamLag: NonNeg.optional(),
  rssBytes: NonNeg.optional(),
  llmCostUsd: NonNeg.optional(),
  processStartS: NonNeg.optional(),
  /** `cache_hits_total{cache="llm"}` / `cache_misses_total{cache="llm"}` (counters, summed over kinds). */
  llmCacheHits: NonNeg.optional(),
  llmCacheMisses: NonNeg.optional(),
});
export type ServiceSignal = z.infer<typeof ServiceSignal>;

export const BreakerStateName = z.enum(['CLOSED', 'OPEN', 'HALF_OPEN']);

export const PoolSignal = z.object({
  size: NonNeg,
  active: NonNeg,
  available: NonNeg,
  state: BreakerStateName,
  avgWaitMs: NonNeg,
  totalRequests: NonNeg,
  totalErrors: NonNeg,
});
export type PoolSignal = z.infer<typeof PoolSignal>;

export const SignalSample = z.object({
  t: NonNeg,
  services: z.record(z.string(), ServiceSignal),
  /** `/api/v1/pool/stats` by service that serves it. */
  pool: z.record(z.string(), PoolSignal).optional(),
});
export type SignalSample = z.infer<typeof SignalSample>;

export const KedaTriggerKind = z.enum(['in-flight-per-pod', 'p95-latency', 'stream-lag']);
export type KedaTriggerKind = z.infer<typeof KedaTriggerKind>;

export const KedaTrigger = z.object({
  trigger: KedaTriggerKind,
  service: z.string(),
  threshold: Num,
  unit: z.string(),
  fired: z.boolean(),
  firstAtS: NonNeg.optional(),
  lastAtS: NonNeg.optional(),
  samplesAbove: Count,
  samples: Count,
  peak: NonNeg.optional(),
  /** in-flight trigger: replicas KEDA would ask for at the peak (ceil(peak / threshold) per observed pod). */
  peakDesiredReplicas: Count.optional(),
});
export type KedaTrigger = z.infer<typeof KedaTrigger>;

export const Interval = z.object({ startS: NonNeg, endS: NonNeg });
export type Interval = z.infer<typeof Interval>;

export const CircuitBreakerReport = z.object({
  faultInjected: z.boolean(),
  faultError: z.string().optional(),
  faultStartS: NonNeg,
  faultEndS: NonNeg,
  openIntervals: z.array(Interval),
  openedAtS: NonNeg.optional(),
  closedAtS: NonNeg.optional(),
  recoveredAtS: NonNeg.optional(),
  failFastMs: LatencyStats,
  failFastMethod: z.string(),
  /**
   * Degraded hops / refusals of requests sent before the first open sample and answered while a breaker was open:
   * calls caught in flight by the outage (how long they took to fail), not counted as fail-fast.
   */
  inFlightAtOpenMs: LatencyStats.optional(),
  /** Breakers still half-open in the last sample (no trial call reached them after the outage). */
  halfOpenAtEnd: z.array(z.string()).optional(),
});
export type CircuitBreakerReport = z.infer<typeof CircuitBreakerReport>;

export const CapacityReport = z.object({
  lastPassingRps: NonNeg.nullable(),
  firstFailingRps: NonNeg.nullable(),
  stopReason: z.string(),
});
export type CapacityReport = z.infer<typeof CapacityReport>;

export const ColdStartReport = z.object({
  /** True when the gateway was not ready yet when the load tester started. */
  cold: z.boolean(),
  waitedForReadyMs: NonNeg,
  gatewayProcessStartedAt: z.string().optional(),
  readyAfterProcessStartMs: NonNeg.optional(),
  firstReplyAfterProcessStartMs: NonNeg.optional(),
  /** Degraded hops of that first reply (absent when it was clean). */
  firstReplyDegraded: z.array(z.string()).optional(),
  /** Process start → first successful reply without degraded hops. */
  firstCleanReplyAfterProcessStartMs: NonNeg.optional(),
  processAgeAtStartS: NonNeg.optional(),
});
export type ColdStartReport = z.infer<typeof ColdStartReport>;

export const MemoryTrend = z.object({
  firstBytes: NonNeg,
  lastBytes: NonNeg,
  peakBytes: NonNeg,
  growthPct: Num,
  slopeMbPerHour: Num,
});
export type MemoryTrend = z.infer<typeof MemoryTrend>;

export const ClassResult = z.object({ requests: Count, errors: Count, latencyMs: LatencyStats });

export const LoadTestResult = z.object({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  scenario: z.object({
    name: z.string(),
    description: z.string(),
    model: z.enum(['open', 'closed']),
    durationS: NonNeg,
    users: Count,
    rps: NonNeg,
    scale: z.number().positive(),
    maxInFlight: Count.optional(),
    profile: z.string(),
    /** Whether every message was tagged unique so the LLM caches could not answer it (absent in older results). */
    uniqueMessages: z.boolean().optional(),
  }),
  target: z.object({
    endpoint: z.string(),
    services: z.record(z.string(), z.string()),
    userHeader: z.string(),
  }),
  environment: z.object({ node: z.string(), platform: z.string(), arch: z.string(), cpus: Count }),
  totals: z.object({
    requests: Count,
    ok: Count,
    errors: Count,
    errorRate: NonNeg,
    durationS: NonNeg,
    throughputRps: NonNeg,
    conversations: Count,
    /** Arrivals the open model could not send (in-flight bound and backlog full); also counted as errors. */
    dropped: Count,
    degraded: Count,
  }),
  /** Turn latency (messages and single-turn chats), measured from the intended send time. */
  latencyMs: LatencyStats,
  /** Same requests measured from the actual send (what a naive closed-loop tool would report). */
  serviceTimeMs: LatencyStats,
  byOperation: z.record(z.string(), LatencyStats),
  byClass: z.record(z.string(), ClassResult),
  perHopMs: z.record(z.string(), LatencyStats),
  errors: z.object({ byStatus: z.record(z.string(), Count), byCode: z.record(z.string(), Count) }),
  degradedByHop: z.record(z.string(), Count),
  phases: z.array(PhaseResult),
  timeline: z.array(TimelinePoint),
  signals: z.array(SignalSample),
  keda: z.array(KedaTrigger),
  llmCostUsd: NonNeg.nullable(),
  costPerConversationUsd: NonNeg.nullable(),
  /** LLM response-cache hits and misses during the run (counter growth over the scraped services); absent without the metrics. */
  llmCache: z.object({ hits: NonNeg, misses: NonNeg, hitRatio: NonNeg.nullable() }).optional(),
  circuitBreaker: CircuitBreakerReport.optional(),
  capacity: CapacityReport.optional(),
  coldStart: ColdStartReport.optional(),
  memory: z.record(z.string(), MemoryTrend).optional(),
  slos: z.array(SloResult),
  passed: z.boolean(),
  notes: z.array(z.string()),
  /** Compressed base64 HdrHistograms (values in µs). */
  histograms: z.object({ latency: z.string(), serviceTime: z.string() }).optional(),
});
export type LoadTestResult = z.infer<typeof LoadTestResult>;
