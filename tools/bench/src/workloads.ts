import { LatencyRecorder, type LatencySummary } from './histogram.js';
import type { Outcome, RequestSpec } from './loadgen.js';

/**
 * The request mixes the benchmarks send, described as plain data so a load-generator worker thread can build
 * them (functions do not cross threads). Each workload also collects what its suite needs from the answers.
 */
export type Workload =
  | {
      /** OpenAI chat completion, unique content per request (no cache, no single-flight dedup can apply). */
      readonly kind: 'chat';
      readonly path: string;
      readonly headers: Readonly<Record<string, string>>;
      /** Rotate `x-user-id` over this many end users (the gateway limits per user). */
      readonly rotateUsers?: number;
      /** Header whose value must be `MISS` when present (the gateway's `x-supportmesh-cache`). */
      readonly cacheHeader?: string;
      readonly temperature?: number;
    }
  | {
      /** One conversation turn through the gateway pipeline, round-robin over pre-created conversations. */
      readonly kind: 'turn';
      readonly headers: Readonly<Record<string, string>>;
      readonly conversations: readonly { readonly id: string; readonly user: string }[];
      readonly texts: readonly string[];
      /** Make every text unique (appends a reference number) so no answer cache can serve it. @default true */
      readonly unique?: boolean;
    }
  | {
      /** Chat completions over a fixed list of questions in order (temperature 0), classified by the cache header. */
      readonly kind: 'cache';
      readonly path: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly questions: readonly string[];
      readonly cacheHeader: string;
    }
  | {
      /** Fixed list of pipeline messages (`POST /v1/chat`), latency kept per list position class. */
      readonly kind: 'chat-turns';
      readonly headers: Readonly<Record<string, string>>;
      readonly texts: readonly string[];
    };

/** What a workload collected besides the load result. */
export interface WorkloadReport {
  /** Per-hop latency from the gateway's `latencyMs.perHop` (turn workloads). */
  readonly perHopMs?: Record<string, LatencySummary>;
  /**
   * Per-service wall time per turn as the gateway saw it (critic = both reviews; `gateway` = the turn's total minus
   * the downstream hops on its critical path, persistence included) (turn workloads).
   */
  readonly perServiceMs?: Record<string, LatencySummary>;
  /** Latency by cache status (`MISS`, `HIT`, `SEMANTIC_HIT`, …, and `ANY_HIT`) (cache workload). */
  readonly byCacheStatus?: Record<string, LatencySummary>;
  /** Answers by `degraded` hop set (turn workloads; empty key = not degraded). */
  readonly degraded?: Record<string, number>;
}

export interface BuiltWorkload {
  readonly request: RequestSpec;
  report(): WorkloadReport;
}

function summaries(map: Map<string, LatencyRecorder>): Record<string, LatencySummary> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, r]) => [k, r.summary()]));
}

function recordInto(map: Map<string, LatencyRecorder>, key: string, ms: number): void {
  let r = map.get(key);
  if (!r) {
    r = new LatencyRecorder();
    map.set(key, r);
  }
  r.recordMs(ms);
}

function headerValue(headers: Outcome['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** Which service a pipeline hop calls (`persist` is the gateway's own Redis/Cosmos work). */
export const HOP_SERVICE: Readonly<Record<string, string>> = {
  review_input: 'critic',
  review_output: 'critic',
  classify: 'intent-classifier',
  retrieve: 'knowledge-retrieval',
  escalate: 'escalation',
  respond: 'response-generator',
};

interface TurnStats {
  readonly perHop: Map<string, LatencyRecorder>;
  readonly perService: Map<string, LatencyRecorder>;
  readonly degraded: Map<string, number>;
}

const newTurnStats = (): TurnStats => ({ perHop: new Map(), perService: new Map(), degraded: new Map() });

function turnReport(t: TurnStats): WorkloadReport {
  return { perHopMs: summaries(t.perHop), perServiceMs: summaries(t.perService), degraded: Object.fromEntries(t.degraded) };
}

function recordTurn(t: TurnStats, total: number | undefined, perHop: Record<string, unknown>): void {
  const hops: Record<string, number> = {};
  for (const [hop, ms] of Object.entries(perHop)) if (typeof ms === 'number') hops[hop] = ms;
  const byService: Record<string, number> = {};
  for (const [hop, ms] of Object.entries(hops)) {
    recordInto(t.perHop, hop, ms);
    const service = HOP_SERVICE[hop];
    if (service) byService[service] = (byService[service] ?? 0) + ms;
  }
  for (const [service, ms] of Object.entries(byService)) recordInto(t.perService, service, ms);
  if (typeof total === 'number') {
    // review_input and classify run in parallel; the rest one after another.
    const critical = Math.max(hops['review_input'] ?? 0, hops['classify'] ?? 0) + (hops['retrieve'] ?? 0) + (hops['escalate'] ?? 0) + (hops['respond'] ?? 0) + (hops['review_output'] ?? 0);
    recordInto(t.perService, 'gateway', Math.max(0, total - critical));
  }
}

function turnCheck(stats: TurnStats) {
  return (_status: number, _headers: Outcome['headers'], body: string): string | undefined => {
    let parsed: { reply?: unknown; degraded?: unknown; latencyMs?: { total?: unknown; perHop?: Record<string, unknown> } };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return 'invalid_json';
    }
    if (typeof parsed.reply !== 'string') return 'no_reply';
    recordTurn(stats, typeof parsed.latencyMs?.total === 'number' ? parsed.latencyMs.total : undefined, parsed.latencyMs?.perHop ?? {});
    const d = Array.isArray(parsed.degraded) ? (parsed.degraded as unknown[]).map(String).sort().join('+') : '';
    stats.degraded.set(d, (stats.degraded.get(d) ?? 0) + 1);
    // A degraded turn (a hop failed or timed out and the pipeline fell back) is not a proper answer.
    return d === '' ? undefined : `degraded:${d}`;
  };
}

export function buildWorkload(w: Workload): BuiltWorkload {
  switch (w.kind) {
    case 'chat': {
      const users = w.rotateUsers ?? 0;
      const headers = { ...JSON_HEADERS, ...w.headers };
      return {
        request: {
          method: 'POST',
          path: w.path,
          headers: users > 0 ? (seq) => ({ ...headers, 'x-user-id': `bench-user-${seq % users}` }) : headers,
          body: (seq) =>
            JSON.stringify({
              model: 'gpt-4o-mini',
              messages: [
                { role: 'system', content: 'You are a helpful customer-service assistant.' },
                { role: 'user', content: `Request ${seq}: where is my order and when will it arrive?` },
              ],
              temperature: w.temperature ?? 0.7,
              max_tokens: 64,
            }),
          check: (_status, h, body) => {
            if (w.cacheHeader !== undefined) {
              const v = headerValue(h, w.cacheHeader);
              if (v !== undefined && v !== 'MISS') return `unexpected_cache_${v}`;
            }
            return body.includes('"chat.completion"') ? undefined : 'not_a_chat_completion';
          },
        },
        report: () => ({}),
      };
    }
    case 'turn': {
      const stats = newTurnStats();
      const n = w.conversations.length;
      if (n === 0) throw new RangeError('turn workload needs at least one conversation');
      return {
        request: {
          method: 'POST',
          path: (seq) => `/v1/conversations/${w.conversations[seq % n]?.id}/messages`,
          headers: (seq) => ({ ...JSON_HEADERS, ...w.headers, 'x-user-id': w.conversations[seq % n]?.user ?? 'bench-user-0' }),
          body: (seq) => {
            const text = w.texts[seq % w.texts.length] ?? 'Where is my order?';
            return JSON.stringify({ text: w.unique === false ? text : `${text} (ref ${100_000 + seq})` });
          },
          check: turnCheck(stats),
        },
        report: () => turnReport(stats),
      };
    }
    case 'cache': {
      const byStatus = new Map<string, LatencyRecorder>();
      const headers = { ...JSON_HEADERS, ...w.headers };
      return {
        request: {
          method: 'POST',
          path: w.path,
          headers,
          body: (seq) =>
            JSON.stringify({
              model: 'gpt-4o-mini',
              messages: [{ role: 'user', content: w.questions[seq % w.questions.length] ?? '' }],
              temperature: 0,
              max_tokens: 64,
            }),
          check: (_s, _h, body) => (body.includes('"chat.completion"') ? undefined : 'not_a_chat_completion'),
          observe: (o) => {
            if (o.error !== undefined) return;
            const status = headerValue(o.headers, w.cacheHeader) ?? 'NONE';
            recordInto(byStatus, status, o.latencyMs);
            if (status !== 'MISS' && status !== 'NONE') recordInto(byStatus, 'ANY_HIT', o.latencyMs);
          },
        },
        report: () => ({ byCacheStatus: summaries(byStatus) }),
      };
    }
    case 'chat-turns': {
      const stats = newTurnStats();
      return {
        request: {
          method: 'POST',
          path: '/v1/chat',
          headers: { ...JSON_HEADERS, ...w.headers },
          body: (seq) => JSON.stringify({ message: w.texts[seq % w.texts.length] ?? '' }),
          check: turnCheck(stats),
        },
        report: () => turnReport(stats),
      };
    }
  }
}
