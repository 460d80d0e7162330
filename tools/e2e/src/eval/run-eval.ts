import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Intent, MessageResponse, RetrieveResponse, ReviewResponse, type Passage } from '@supportmesh/contracts';
import { httpRequest } from '../http.js';
import { generatePiiProbes, PII_TYPES, type PiiType } from './pii-probes.js';

export interface HeldoutItem {
  readonly text: string;
  readonly intent: Intent;
  readonly escalate?: boolean;
}

function heldoutItem(value: unknown): HeldoutItem | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { text, intent, escalate } = value as Record<string, unknown>;
  const parsed = Intent.safeParse(intent);
  if (typeof text !== 'string' || text.trim() === '' || !parsed.success) return undefined;
  if (escalate !== undefined && typeof escalate !== 'boolean') return undefined;
  return { text, intent: parsed.data, ...(escalate === undefined ? {} : { escalate }) };
}

export interface EvalOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8080`. */
  readonly endpoint: string;
  readonly apiKey: string;
  /** Critic base URL (PII probes and the groundedness check call it directly). */
  readonly criticUrl: string;
  /** Knowledge-retrieval base URL (to look up the passages a reply cites). */
  readonly retrievalUrl: string;
  /** Path of the held-out JSONL (`{text, intent, escalate?}` per line). */
  readonly heldoutPath: string;
  /** Turns in flight at once. @default 4 */
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

export interface Rate {
  readonly n: number;
  readonly hits: number;
  /** hits / n (0 when n = 0). */
  readonly rate: number;
}

export interface EvalReport {
  readonly generatedAt: string;
  readonly endpoint: string;
  readonly heldout: { readonly path: string; readonly items: number; readonly errors: number };
  readonly intent: {
    readonly accuracy: number;
    readonly correct: number;
    readonly total: number;
    readonly perIntent: Record<string, Rate>;
    readonly topConfusions: { readonly expected: string; readonly predicted: string; readonly count: number }[];
    /** Every misclassified held-out item. */
    readonly errors: { readonly text: string; readonly expected: string; readonly predicted: string; readonly confidence: number }[];
  };
  readonly escalation: {
    readonly precision: number;
    readonly recall: number;
    readonly truePositives: number;
    readonly falsePositives: number;
    readonly falseNegatives: number;
    readonly trueNegatives: number;
    /** Items escalated although labelled `escalate: false`, by labelled intent. */
    readonly falsePositivesByIntent: Record<string, number>;
  };
  readonly pii: {
    readonly recall: number;
    readonly falsePositiveRate: number;
    readonly positives: number;
    readonly negatives: number;
    readonly perType: Record<PiiType, Rate>;
    /** Negatives with a PII finding, by look-alike kind. */
    readonly falsePositivesByKind: Record<string, Rate>;
    /** Probe texts behind the misses and false alarms (generated, no real data). */
    readonly missed: { readonly type: PiiType; readonly text: string }[];
    readonly falseAlarms: { readonly kind: string; readonly text: string; readonly found: string[] }[];
  };
  readonly groundedness: {
    /** grounded / answered. */
    readonly share: number;
    /** Replies drafted by the pipeline (not escalated, not blocked). */
    readonly answered: number;
    readonly withCitations: number;
    /** With citations, and every sentence accepted by the critic's output review against the cited passages. */
    readonly grounded: number;
    /** Of the grounded replies: those making at least one claim the critic checks (not only generic text). */
    readonly groundedWithCheckedClaims: number;
    /** Answered replies that are not grounded (held-out text, intent, reply). */
    readonly notGrounded: { readonly text: string; readonly intent: string; readonly citations: number; readonly reply: string }[];
  };
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly max: number };
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const ratio = (a: number, b: number) => (b === 0 ? 0 : round(a / b));
const rate = (n: number, hits: number): Rate => ({ n, hits, rate: ratio(hits, n) });

export async function readHeldout(path: string): Promise<HeldoutItem[]> {
  const raw = await readFile(path, 'utf8');
  return raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l, i) => {
      const item = heldoutItem(JSON.parse(l));
      if (!item) throw new Error(`${path}:${i + 1}: not a held-out item {text, intent, escalate?}`);
      return item;
    });
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; retryAfter?: number }> {
  const res = await httpRequest(url, { json: body, headers, timeoutMs: 30_000 });
  const ra = Number(res.headers['retry-after']);
  return { status: res.status, json: res.json, ...(Number.isFinite(ra) ? { retryAfter: ra } : {}) };
}

/** One turn through the gateway (`POST /v1/chat`); waits out a 429 (at most 5 times). */
async function chat(opts: EvalOptions, text: string, user: string): Promise<MessageResponse | undefined> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const res = await postJson(`${opts.endpoint}/v1/chat`, { message: text }, { 'x-api-key': opts.apiKey, 'x-user-id': user });
    if (res.status === 200) return MessageResponse.parse(res.json);
    if (res.status === 429 && attempt < 5) {
      await sleep(Math.min(60, res.retryAfter ?? 1) * 1000);
      continue;
    }
    opts.log?.(`  turn failed with HTTP ${res.status}`);
    return undefined;
  }
  return undefined;
}

async function review(opts: EvalOptions, text: string, direction: 'input' | 'output', passages?: Passage[]): Promise<ReviewResponse> {
  const res = await postJson(`${opts.criticUrl}/v1/review`, { text, direction, ...(passages ? { passages } : {}) });
  if (res.status !== 200) throw new Error(`critic /v1/review answered ${res.status}`);
  return ReviewResponse.parse(res.json);
}

const PII_FINDINGS: ReadonlySet<string> = new Set(PII_TYPES);

/** PII recall and false-positive rate of the critic's input review over the generated probe set. */
export async function evaluatePii(opts: EvalOptions): Promise<EvalReport['pii']> {
  const probes = generatePiiProbes();
  const results = await mapLimit(probes, opts.concurrency ?? 4, async (probe) => ({ probe, findings: (await review(opts, probe.text, 'input')).findings }));
  const perType = Object.fromEntries(PII_TYPES.map((t) => [t, { n: 0, hits: 0 }])) as Record<PiiType, { n: number; hits: number }>;
  const byKind: Record<string, { n: number; hits: number }> = {};
  let positives = 0;
  let found = 0;
  let negatives = 0;
  let falsePositives = 0;
  const missed: EvalReport['pii']['missed'] = [];
  const falseAlarms: EvalReport['pii']['falseAlarms'] = [];
  for (const { probe, findings } of results) {
    if (probe.spans.length === 0) {
      negatives++;
      const hit = findings.some((f) => PII_FINDINGS.has(f.type));
      if (hit) {
        falsePositives++;
        falseAlarms.push({ kind: probe.kind, text: probe.text, found: findings.filter((f) => PII_FINDINGS.has(f.type)).map((f) => f.type) });
      }
      const k = (byKind[probe.kind] ??= { n: 0, hits: 0 });
      k.n++;
      if (hit) k.hits++;
      continue;
    }
    for (const span of probe.spans) {
      positives++;
      perType[span.type].n++;
      if (findings.some((f) => f.type === span.type && f.start < span.end && span.start < f.end)) {
        found++;
        perType[span.type].hits++;
      } else {
        missed.push({ type: span.type, text: probe.text });
      }
    }
  }
  return {
    recall: ratio(found, positives),
    falsePositiveRate: ratio(falsePositives, negatives),
    positives,
    negatives,
    perType: Object.fromEntries(PII_TYPES.map((t) => [t, rate(perType[t].n, perType[t].hits)])) as Record<PiiType, Rate>,
    falsePositivesByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, rate(v.n, v.hits)])),
    missed,
    falseAlarms,
  };
}

/**
 * Whether an answered reply is grounded: it cites passages, and the critic's output review accepts every
 * sentence against the cited passages (looked up again through knowledge-retrieval with the same redacted
 * query and intent the gateway used). Also whether it makes a claim the critic checks at all (reviewed against
 * no passages, something would be flagged), so generic replies are told apart.
 */
async function grounding(opts: EvalOptions, text: string, reply: MessageResponse): Promise<{ cited: boolean; grounded: boolean; checkedClaims: boolean }> {
  if (reply.citations.length === 0) return { cited: false, grounded: false, checkedClaims: false };
  const redacted = (await review(opts, text, 'input')).text;
  const retrieved = await postJson(`${opts.retrievalUrl}/v1/retrieve`, { query: redacted || ' ', intent: reply.intent, topK: 4 });
  if (retrieved.status !== 200) throw new Error(`knowledge-retrieval /v1/retrieve answered ${retrieved.status}`);
  const passages = RetrieveResponse.parse(retrieved.json).passages;
  const cited = passages.filter((p) => reply.citations.some((c) => c.passageId === p.id));
  const checked = await review(opts, reply.reply, 'output', cited.length > 0 ? cited : passages);
  const grounded = checked.verdict === 'allow' && checked.findings.length === 0;
  const unsupported = grounded ? await review(opts, reply.reply, 'output', []) : undefined;
  return { cited: true, grounded, checkedClaims: unsupported !== undefined && unsupported.findings.some((f) => f.type === 'ungrounded') };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Runs the held-out set through the gateway and the PII probes through the critic; returns the report. */
export async function runEval(opts: EvalOptions): Promise<EvalReport> {
  const items = await readHeldout(opts.heldoutPath);
  const run = randomUUID().slice(0, 8);
  opts.log?.(`held-out set: ${items.length} items → ${opts.endpoint}`);
  let done = 0;
  const turns = await mapLimit(items, opts.concurrency ?? 4, async (item, i) => {
    // One end user per item (x-user-id with a delegate key), so per-user limits do not throttle the run.
    const reply = await chat(opts, item.text, `eval-${run}-${i}`);
    const g = reply && !reply.escalated ? await grounding(opts, item.text, reply) : undefined;
    if (++done % 50 === 0) opts.log?.(`  ${done}/${items.length}`);
    return { item, reply, g };
  });

  const perIntent: Record<string, { n: number; hits: number }> = {};
  const confusions = new Map<string, number>();
  let correct = 0;
  let errors = 0;
  const esc = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const fpByIntent: Record<string, number> = {};
  const ground = { answered: 0, withCitations: 0, grounded: 0, checked: 0 };
  const intentErrors: EvalReport['intent']['errors'] = [];
  const notGrounded: EvalReport['groundedness']['notGrounded'] = [];
  const latencies: number[] = [];
  for (const { item, reply, g } of turns) {
    const bucket = (perIntent[item.intent] ??= { n: 0, hits: 0 });
    bucket.n++;
    if (!reply) {
      errors++;
      continue;
    }
    latencies.push(reply.latencyMs.total);
    if (reply.intent === item.intent) {
      correct++;
      bucket.hits++;
    } else {
      intentErrors.push({ text: item.text, expected: item.intent, predicted: reply.intent, confidence: reply.confidence });
      const key = `${item.intent}→${reply.intent}`;
      confusions.set(key, (confusions.get(key) ?? 0) + 1);
    }
    const expected = item.escalate ?? false;
    if (reply.escalated && expected) esc.tp++;
    else if (reply.escalated) {
      esc.fp++;
      fpByIntent[item.intent] = (fpByIntent[item.intent] ?? 0) + 1;
    } else if (expected) esc.fn++;
    else esc.tn++;
    if (g) {
      ground.answered++;
      if (g.cited) ground.withCitations++;
      if (g.grounded) ground.grounded++;
      if (g.grounded && g.checkedClaims) ground.checked++;
      if (!g.grounded) notGrounded.push({ text: item.text, intent: reply.intent, citations: reply.citations.length, reply: reply.reply });
    }
  }
  opts.log?.('PII probes → critic');
  const pii = await evaluatePii(opts);
  latencies.sort((a, b) => a - b);
  return {
    generatedAt: new Date().toISOString(),
    endpoint: opts.endpoint,
    heldout: { path: opts.heldoutPath, items: items.length, errors },
    intent: {
      accuracy: ratio(correct, items.length),
      correct,
      total: items.length,
      perIntent: Object.fromEntries(Object.entries(perIntent).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, rate(v.n, v.hits)])),
      topConfusions: [...confusions.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([k, count]) => {
          const [expected = '', predicted = ''] = k.split('→');
          return { expected, predicted, count };
        }),
      errors: intentErrors,
    },
    escalation: {
      precision: ratio(esc.tp, esc.tp + esc.fp),
      recall: ratio(esc.tp, esc.tp + esc.fn),
      truePositives: esc.tp,
      falsePositives: esc.fp,
      falseNegatives: esc.fn,
      trueNegatives: esc.tn,
      falsePositivesByIntent: fpByIntent,
    },
    pii,
    groundedness: {
      share: ratio(ground.grounded, ground.answered),
      answered: ground.answered,
      withCitations: ground.withCitations,
      grounded: ground.grounded,
      groundedWithCheckedClaims: ground.checked,
      notGrounded,
    },
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) ?? 0 },
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The report as the console table `npm run eval` prints. */
export function formatReport(r: EvalReport): string {
  const lines = [
    `Support Mesh quality evaluation — ${r.heldout.items} held-out items via ${r.endpoint}${r.heldout.errors ? ` (${r.heldout.errors} failed turns)` : ''}`,
    '',
    `intent accuracy        ${pct(r.intent.accuracy)}  (${r.intent.correct}/${r.intent.total})`,
    ...Object.entries(r.intent.perIntent).map(([intent, v]) => `  ${intent.padEnd(26)} ${pct(v.rate).padStart(7)}  (${v.hits}/${v.n})`),
    r.intent.topConfusions.length ? `  most confused: ${r.intent.topConfusions.slice(0, 5).map((c) => `${c.expected}→${c.predicted} ×${c.count}`).join(', ')}` : '',
    '',
    `escalation precision   ${pct(r.escalation.precision)}  (tp ${r.escalation.truePositives}, fp ${r.escalation.falsePositives})`,
    `escalation recall      ${pct(r.escalation.recall)}  (tp ${r.escalation.truePositives}, fn ${r.escalation.falseNegatives})`,
    Object.keys(r.escalation.falsePositivesByIntent).length
      ? `  escalated without an escalate label, by intent: ${Object.entries(r.escalation.falsePositivesByIntent).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`
      : '',
    '',
    `PII recall             ${pct(r.pii.recall)}  (${r.pii.positives} PII values)`,
    ...PII_TYPES.map((t) => `  ${t.padEnd(26)} ${pct(r.pii.perType[t].rate).padStart(7)}  (${r.pii.perType[t].hits}/${r.pii.perType[t].n})`),
    `PII false-positive rate ${pct(r.pii.falsePositiveRate)}  (${r.pii.negatives} look-alike negatives)`,
    ...Object.entries(r.pii.falsePositivesByKind)
      .filter(([, v]) => v.hits > 0)
      .map(([k, v]) => `  ${k.padEnd(26)} ${v.hits}/${v.n} flagged`),
    '',
    `answer groundedness    ${pct(r.groundedness.share)}  (${r.groundedness.grounded}/${r.groundedness.answered} answered replies; ${r.groundedness.withCitations} with citations; ${r.groundedness.groundedWithCheckedClaims} grounded with checked claims)`,
    `turn latency           p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, max ${r.latencyMs.max} ms`,
  ];
  return lines.filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n');
}
