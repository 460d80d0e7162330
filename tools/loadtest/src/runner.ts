import { availableParallelism } from 'node:os';
import { analyseBreaker, breakerView } from './breaker.js';
import { GatewayClient } from './client.js';
import { runClosedModel } from './closed-model.js';
import { EmulatorFaults } from './faults.js';
import { evaluateKeda } from './keda.js';
import { memoryTrends } from './memory.js';
import { createRandom, MessageTagger, pickClass, pickMessage } from './messages.js';
import { runOpenModel } from './open-model.js';
import { parsePrometheusText } from './prometheus.js';
import { answers, waitUntilAnswers } from './readiness.js';
import {
  LoadTestResult,
  RESULT_SCHEMA_VERSION,
  type CapacityReport,
  type CircuitBreakerReport,
  type MessageClass,
  type ColdStartReport,
  type PhaseResult,
  type SignalSample,
} from './result-schema.js';
import { arrivalSteps, defaultMaxInFlight, peakRps, phasesOf, type Scenario } from './scenarios.js';
import { SignalScraper } from './scraper.js';
import { sleep } from './sleep.js';
import { evaluateSlos } from './slo.js';
import { Collector } from './stats.js';
import { TargetUnreachableError } from './target-unreachable-error.js';

export const TOOL_NAME = '@supportmesh/loadtest';
export const TOOL_VERSION = '0.1.0';

export interface RunOptions {
  readonly scenario: Scenario;
  /** Gateway base URL (checked loopback). */
  readonly endpoint: string;
  readonly apiKey: string;
  /** @default 'x-user-id' */
  readonly userHeader?: string;
  /** Services to scrape: name → base URL (checked loopback). */
  readonly services: Readonly<Record<string, string>>;
  /** LLM emulator base URL (circuit-breaker scenario). */
  readonly emulatorUrl: string;
  readonly maxInFlight?: number;
  /** @default 30000 */
  readonly timeoutMs?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default 'uniform' */
  readonly arrivals?: 'uniform' | 'poisson';
  /**
   * Tag every message unique (`#lt<run><n>`) so the LLM caches cannot answer it. `false` sends the catalogue
   * verbatim (repeats are then answered from the exact/semantic caches, as for a crowd asking the same FAQ).
   * @default true
   */
  readonly uniqueMessages?: boolean;
  /** @default 1000 */
  readonly scrapeIntervalMs?: number;
  /** Circuit-breaker: how long to keep probing for recovery after the load. @default 60 */
  readonly recoveryTimeoutS?: number;
  /** Cold-start: how long to wait for the gateway's /ready. @default 120 */
  readonly readyTimeoutS?: number;
  readonly onProgress?: (p: Progress) => void;
  /** Ctrl-C: stops the load early; the partial result is still returned. */
  readonly stop?: AbortSignal;
}

/** Once a second while running. */
export interface Progress {
  readonly t: number;
  readonly durationS: number;
  readonly requests: number;
  readonly ok: number;
  readonly errors: number;
  readonly inFlight: number;
  /** Completed requests in the last second. */
  readonly rps: number;
  /** p95 of the turns completed in the last second (ms). */
  readonly p95: number;
  readonly breaker: string;
}

/** Runs one scenario against the local stack and returns the validated result (SLOs judged). */
export async function runScenario(opts: RunOptions): Promise<LoadTestResult> {
  const s = opts.scenario;
  const userHeader = opts.userHeader ?? 'x-user-id';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const runId = `lt-${Date.now().toString(36)}`;
  const random = createRandom(opts.seed ?? 1);
  const uniqueMessages = opts.uniqueMessages ?? true;
  const tagger = uniqueMessages ? new MessageTagger(runId) : undefined;
  const message = (cls: MessageClass): string => {
    const text = pickMessage(random, cls);
    return tagger ? tagger.tag(text) : text;
  };
  const notes: string[] = [];
  const stop = new AbortController();
  const onStop = () => stop.abort();
  opts.stop?.addEventListener('abort', onStop, { once: true });

  // ---- preflight / cold start ----
  const toolStartEpoch = Date.now();
  let coldStart: ColdStartReport | undefined;
  if (s.coldStart) {
    const wasReady = await answers(`${opts.endpoint}/ready`, 1000);
    const readyAt = wasReady
      ? toolStartEpoch
      : await waitUntilAnswers(`${opts.endpoint}/ready`, (opts.readyTimeoutS ?? 120) * 1000, 100, stop.signal);
    if (readyAt === undefined) {
      throw new TargetUnreachableError(`the gateway at ${opts.endpoint} did not become ready within ${opts.readyTimeoutS ?? 120} s`);
    }
    const processStartS = await gatewayProcessStart(opts.services.gateway ?? opts.endpoint);
    const age = processStartS !== undefined ? toolStartEpoch / 1000 - processStartS : undefined;
    coldStart = {
      cold: !wasReady || (age !== undefined && age <= 15),
      waitedForReadyMs: readyAt - toolStartEpoch,
      ...(processStartS !== undefined
        ? {
            gatewayProcessStartedAt: new Date(processStartS * 1000).toISOString(),
            readyAfterProcessStartMs: Math.max(0, readyAt - processStartS * 1000),
            processAgeAtStartS: Math.max(0, Math.round((age ?? 0) * 1000) / 1000),
          }
        : {}),
    };
    if (processStartS === undefined) notes.push('The gateway exposes no process_start_time_seconds metric: cold start measured from readiness only.');
  } else if (!(await answers(`${opts.endpoint}/health`, 3000))) {
    throw new TargetUnreachableError(
      `the gateway at ${opts.endpoint} did not answer GET /health — start the stack with \`npm start\` (or pass --endpoint)`,
    );
  }

  // ---- clocks, collector, scraper ----
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const startedAt = new Date();
  const collector = new Collector(phasesOf(s));
  const scraper = new SignalScraper({
    services: opts.services,
    apiKey: opts.apiKey,
    now,
    ...(opts.scrapeIntervalMs ? { intervalMs: opts.scrapeIntervalMs } : {}),
  });
  const poolServices = await scraper.discoverPoolStats();
  if (poolServices.length === 0) notes.push('No service answered /api/v1/pool/stats: pool usage comes from /metrics only.');
  scraper.start();
  const client = new GatewayClient({ endpoint: opts.endpoint, apiKey: opts.apiKey, userHeader, timeoutMs, runId });

  let lastRequests = 0;
  const ticker = setInterval(() => {
    const point = collector.tick(now() / 1000);
    const latest = scraper.latest();
    opts.onProgress?.({
      t: now() / 1000,
      durationS: s.durationS,
      requests: collector.requests,
      ok: collector.ok,
      errors: collector.errors,
      inFlight: collector.inFlight,
      rps: collector.requests - lastRequests,
      p95: point.p95,
      breaker: latest ? breakerView(latest) : 'unknown',
    });
    lastRequests = collector.requests;
  }, 1000);

  // ---- circuit-breaker outage ----
  const faults = new EmulatorFaults(opts.emulatorUrl);
  const outage = s.outage ? { startS: s.durationS * s.outage.startFraction, endS: s.durationS * s.outage.endFraction } : undefined;
  let faultInjected = false;
  let faultError: string | undefined;
  let faultCleared = false;
  const timers: NodeJS.Timeout[] = [];
  if (outage) {
    timers.push(
      setTimeout(() => {
        void faults.startOutage((outage.endS - outage.startS) * 1000).then((err) => {
          faultError = err;
          faultInjected = err === undefined;
        });
      }, outage.startS * 1000),
      setTimeout(() => {
        void faults.clear().then(() => (faultCleared = true));
      }, outage.endS * 1000),
    );
  }

  // ---- load ----
  const steps = arrivalSteps(s);
  const maxInFlight = opts.maxInFlight ?? defaultMaxInFlight(s);
  const capacity = s.capacity ? new CapacitySearch(s, collector, now, stop) : undefined;
  let loadEndS = 0;
  try {
    if (s.model === 'open') {
      capacity?.start();
      const stats = await runOpenModel({
        steps,
        arrivals: opts.arrivals ?? 'uniform',
        random,
        maxInFlight,
        maxBacklog: Math.max(1000, Math.ceil(peakRps(s) * 30)),
        now,
        stop: stop.signal,
        drainTimeoutMs: timeoutMs + 1000,
        onArrive: (a) => collector.arrive(a.intendedAt),
        onDrop: (a) => collector.drop(a.intendedAt),
        send: async (a, signal) => {
          const cls = pickClass(random, s.mix);
          const text = message(cls);
          const sentAt = now();
          collector.sent();
          const reply = await client.chat(`lt-${a.index % s.users}`, text, signal);
          collector.record({ op: 'chat', cls, intendedAt: a.intendedAt, sentAt, doneAt: now(), reply });
        },
      });
      capacity?.finish();
      if (stats.dropped > 0) notes.push(`${stats.dropped} arrivals could not be sent (in-flight bound ${maxInFlight} and backlog full): counted as errors.`);
    } else {
      await runClosedModel({
        users: s.users,
        rps: s.rps,
        durationMs: s.durationS * 1000,
        turns: s.turns,
        mix: s.mix,
        random,
        message,
        now,
        client,
        collector,
        userId: (i) => `lt-${i}`,
        stop: stop.signal,
      });
    }
    loadEndS = now() / 1000;

    // ---- circuit-breaker: keep probing until it recovered (bounded) ----
    if (outage) {
      while (now() / 1000 < outage.endS && !stop.signal.aborted) await sleep(Math.min(250, outage.endS * 1000 - now()), stop.signal);
      const deadline = now() + (opts.recoveryTimeoutS ?? 60) * 1000;
      let probes = 0;
      while (faultInjected && now() < deadline && !stop.signal.aborted) {
        const report = analyseBreaker({ samples: scraper.samples, failFast: [], timeline: collector.timelinePoints(), faultStartS: outage.startS, faultEndS: outage.endS, faultInjected });
        if (report.recoveredAtS !== undefined) break;
        const sentAt = now();
        collector.sent();
        // a fresh identity per probe: 1 probe/s would exceed a 10/min per-user limit
        const reply = await client.chat(`lt-probe-${++probes}`, message('simple'), stop.signal);
        collector.record({ op: 'probe', intendedAt: sentAt, sentAt, doneAt: now(), reply });
        await sleep(1000 - (now() - sentAt), stop.signal);
      }
    }
  } finally {
    for (const t of timers) clearTimeout(t);
    if (outage && (faultInjected || faultError === undefined) && !faultCleared) await faults.clear();
    clearInterval(ticker);
    collector.tick(now() / 1000);
    await scraper.stop();
    opts.stop?.removeEventListener('abort', onStop);
  }
  if (opts.stop?.aborted) notes.push('Interrupted before the end: partial results.');

  // ---- analysis ----
  const summary = collector.summary(loadEndS);
  const samples = scraper.samples;
  const keda = evaluateKeda(samples);
  if (samples.every((x) => Object.values(x.services).every((sv) => !sv.up))) {
    notes.push('No /metrics endpoint answered: no scaling signals were recorded (check --services).');
  }
  if ((summary.errors.byStatus['429'] ?? 0) > 0) {
    notes.push(
      `${summary.errors.byStatus['429']} requests were rate limited (429): use a delegate key (the local dev user key is one), for which the gateway keys the per-user limit on key + ${userHeader}, or raise GATEWAY_RATE_LIMIT_PER_MINUTE (at most 10000).`,
    );
  }
  const circuitBreaker: CircuitBreakerReport | undefined = outage
    ? analyseBreaker({
        samples,
        failFast: collector.failFast,
        timeline: summary.timeline,
        faultStartS: outage.startS,
        faultEndS: outage.endS,
        faultInjected,
        ...(faultError ? { faultError } : {}),
      })
    : undefined;
  if (faultError) notes.push(`Could not inject the LLM outage: ${faultError}`);
  if (circuitBreaker?.inFlightAtOpenMs) {
    const c = circuitBreaker.inFlightAtOpenMs;
    notes.push(
      `${c.count} request(s) already in flight when the breaker opened came back degraded only after p50 ${Math.round(c.p50)} ms / max ${Math.round(c.max)} ms (not counted as fail-fast: they were sent before it opened).`,
    );
  }
  if (circuitBreaker?.halfOpenAtEnd) {
    notes.push(
      `Still half-open at the end: ${circuitBreaker.halfOpenAtEnd.join(', ')} — a half-open breaker closes only after a successful trial call, and no call reached it after the outage.`,
    );
  }
  if (coldStart && collector.firstOkAt !== undefined && coldStart.gatewayProcessStartedAt) {
    const processStartMs = Date.parse(coldStart.gatewayProcessStartedAt);
    const since = (at: number) => Math.max(0, startedAt.getTime() + at - processStartMs);
    coldStart = {
      ...coldStart,
      firstReplyAfterProcessStartMs: since(collector.firstOkAt),
      ...(collector.firstOkDegraded.length ? { firstReplyDegraded: [...collector.firstOkDegraded] } : {}),
      ...(collector.firstCleanAt !== undefined ? { firstCleanReplyAfterProcessStartMs: since(collector.firstCleanAt) } : {}),
    };
    if (collector.firstOkDegraded.length) {
      notes.push(
        `The first reply after the start was degraded (${collector.firstOkDegraded.join(', ')}): the gateway answered /ready before that downstream service could serve.`,
      );
    }
  }
  const memory = s.watchMemory ? memoryTrends(samples) : undefined;
  const llmCostUsd = costDelta(samples);
  const llmCache = llmCacheDelta(samples);
  const durationS = Math.max(1e-3, loadEndS);
  const totals = {
    requests: collector.requests,
    ok: collector.ok,
    errors: collector.errors,
    errorRate: collector.requests ? collector.errors / collector.requests : 0,
    durationS: round(durationS),
    throughputRps: round(collector.ok / durationS),
    conversations: collector.conversations,
    dropped: collector.dropped,
    degraded: collector.degraded,
  };
  let phases: PhaseResult[] = summary.phases;
  let capacityReport: CapacityReport | undefined;
  if (capacity) {
    phases = capacity.phases();
    capacityReport = capacity.report();
  }
  const slos = evaluateSlos(s.slos, {
    latencyMs: summary.latencyMs,
    byClass: summary.byClass,
    totals,
    keda,
    ...(circuitBreaker ? { circuitBreaker } : {}),
    ...(coldStart ? { coldStart } : {}),
    ...(memory ? { memory } : {}),
    ...(capacityReport ? { capacity: capacityReport } : {}),
    secondLargestMs: {
      all: collector.secondLargest(),
      ...Object.fromEntries((['simple', 'moderate', 'complex'] as const).map((c) => [c, collector.secondLargest(c)])),
    },
  });

  const result: LoadTestResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    scenario: {
      name: s.name,
      description: s.description,
      model: s.model,
      durationS: s.durationS,
      users: s.users,
      rps: round(s.rps),
      scale: s.scale,
      ...(s.model === 'open' ? { maxInFlight } : {}),
      profile: profileText(s),
      uniqueMessages,
    },
    target: { endpoint: opts.endpoint, services: { ...opts.services }, userHeader },
    environment: { node: process.version, platform: process.platform, arch: process.arch, cpus: availableParallelism() },
    totals,
    ...summary,
    phases,
    signals: samples,
    keda,
    llmCostUsd,
    costPerConversationUsd: llmCostUsd !== null && collector.conversations > 0 ? llmCostUsd / collector.conversations : null,
    ...(llmCache ? { llmCache } : {}),
    ...(circuitBreaker ? { circuitBreaker } : {}),
    ...(capacityReport ? { capacity: capacityReport } : {}),
    ...(coldStart ? { coldStart } : {}),
    ...(memory ? { memory } : {}),
    slos,
    passed: slos.every((r) => r.status !== 'fail') && !opts.stop?.aborted,
    notes,
  };
  // Never lose a long run to a schema slip: keep the data and say what did not validate.
  const checked = LoadTestResult.safeParse(result);
  if (checked.success) return checked.data;
  const problems = checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
  return { ...result, notes: [...notes, `The result does not match schema v${RESULT_SCHEMA_VERSION}: ${problems.join('; ')}`] };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function profileText(s: Scenario): string {
  if (s.model === 'closed') return `${s.users} users, ${round(s.rps)} turns/s in total, ${s.turns[0]}-${s.turns[1]} turns per conversation`;
  return arrivalSteps(s)
    .map((st) => `${round(st.rps)} rps`)
    .filter((v, i, all) => all.indexOf(v) === i)
    .join(' → ');
}

/** Sum over services of the growth of `llm_cost_usd_total` between the first and last sample; null without the metric. */
export function costDelta(samples: readonly SignalSample[]): number | null {
  return counterDelta(samples, (s) => s.llmCostUsd);
}

/** Sum over services of a counter's growth between its first and last sample; null when no service exposed it. */
export function counterDelta(samples: readonly SignalSample[], read: (s: SignalSample['services'][string]) => number | undefined): number | null {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  for (const s of samples) {
    for (const [name, sig] of Object.entries(s.services)) {
      const v = read(sig);
      if (v === undefined) continue;
      if (!first.has(name)) first.set(name, v);
      last.set(name, v);
    }
  }
  if (first.size === 0) return null;
  let total = 0;
  for (const [name, v] of last) total += Math.max(0, v - (first.get(name) ?? v));
  return total;
}

/** LLM cache hits/misses during the run; undefined when no service exposes the cache counters. */
export function llmCacheDelta(samples: readonly SignalSample[]): { hits: number; misses: number; hitRatio: number | null } | undefined {
  const hits = counterDelta(samples, (s) => s.llmCacheHits);
  const misses = counterDelta(samples, (s) => s.llmCacheMisses);
  if (hits === null && misses === null) return undefined;
  const h = hits ?? 0;
  const m = misses ?? 0;
  return { hits: h, misses: m, hitRatio: h + m > 0 ? round(h / (h + m)) : null };
}

async function gatewayProcessStart(base: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    return parsePrometheusText(text).find((x) => x.name === 'process_start_time_seconds')?.value;
  } catch {
    return undefined;
  }
}

/**
 * Capacity search: each arrival step is judged once its requests have settled (or one more step length
 * has passed); the first failing step stops new arrivals. Judging lags the load by at most one step.
 */
class CapacitySearch {
  private readonly steps;
  private readonly passed: (boolean | undefined)[] = [];
  private firstFailing: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly s: Scenario,
    private readonly collector: Collector,
    private readonly now: () => number,
    private readonly stop: AbortController,
  ) {
    this.steps = arrivalSteps(s);
  }

  start(): void {
    this.timer = setInterval(() => this.check(false), 250);
  }

  finish(): void {
    clearInterval(this.timer);
    this.check(true);
  }

  private check(final: boolean): void {
    for (let i = 0; i < this.steps.length; i++) {
      if (this.passed[i] !== undefined) continue;
      const step = this.steps[i];
      if (!step) break;
      const settled = this.collector.pending(i) === 0;
      const waited = this.now() - step.endS * 1000;
      if (!final && (waited < 0 || (!settled && waited < (step.endS - step.startS) * 1000))) break;
      const phase = this.collector.phaseResult(i);
      if (!phase || phase.requests === 0) {
        if (final) break;
        this.passed[i] = false;
      } else {
        const limits = this.s.capacity ?? { p95Ms: 2000, maxErrorRate: 0.001 };
        this.passed[i] = settled && phase.latencyMs.p95 < limits.p95Ms && phase.errorRate < limits.maxErrorRate;
      }
      if (!this.passed[i] && this.firstFailing === undefined) {
        this.firstFailing = i;
        this.stop.abort();
      }
    }
  }

  phases(): PhaseResult[] {
    const out: PhaseResult[] = [];
    for (let i = 0; i < this.steps.length; i++) {
      const phase = this.collector.phaseResult(i);
      if (!phase || phase.requests === 0) continue;
      out.push({ ...phase, ...(this.passed[i] !== undefined ? { passed: this.passed[i] } : {}) });
    }
    return out;
  }

  report(): CapacityReport {
    const limit = this.firstFailing ?? this.steps.length;
    let lastPassing: number | undefined;
    for (let i = 0; i < limit; i++) if (this.passed[i]) lastPassing = i;
    const failing = this.firstFailing !== undefined ? this.steps[this.firstFailing] : undefined;
    const rps = (i: number | undefined) => (i === undefined ? null : round(this.steps[i]?.rps ?? 0));
    const limits = this.s.capacity ?? { p95Ms: 2000, maxErrorRate: 0.001 };
    return {
      lastPassingRps: rps(lastPassing),
      firstFailingRps: failing ? round(failing.rps) : null,
      stopReason: failing
        ? `step ${(this.firstFailing ?? 0) + 1} (${round(failing.rps)} rps) broke p95 < ${limits.p95Ms} ms or errors < ${limits.maxErrorRate * 100} %`
        : this.passed.filter((p) => p !== undefined).length < this.steps.length
          ? 'stopped before the last step'
          : 'every step passed: raise --scale to search higher',
    };
  }
}
