import type { LoadTestResult } from '../result-schema.js';
import { LATENCY_COLUMNS, fmtBytes, fmtMs, fmtNum, fmtPct, fmtUsd, latencyCells } from './format.js';

export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const STATUS = { pass: 'PASS', fail: 'FAIL', skipped: 'skipped' } as const;
const s1 = (v: number | undefined) => (v === undefined ? '—' : `${fmtNum(v, 1)} s`);

export function sloTable(r: LoadTestResult): Table {
  return {
    title: 'SLOs',
    header: ['SLO', 'target', 'actual', 'status', 'detail'],
    rows: r.slos.map((s) => [s.description, s.target, s.actual, STATUS[s.status], s.detail ?? '']),
  };
}

/** Every table of the report, in order (sections without data are left out). */
export function reportTables(r: LoadTestResult): Table[] {
  const t = r.totals;
  const tables: Table[] = [sloTable(r)];
  tables.push({
    title: 'Summary',
    header: ['', ''],
    rows: [
      ['scenario', `${r.scenario.name} (×${r.scenario.scale})`],
      ['load model', `${r.scenario.model}: ${r.scenario.profile}`],
      ['users', String(r.scenario.users)],
      ['messages', r.scenario.uniqueMessages === false ? 'catalogue verbatim (LLM caches answer repeats)' : r.scenario.uniqueMessages ? 'tagged unique (LLM caches missed)' : 'unknown'],
      ['duration', `${fmtNum(t.durationS, 1)} s`],
      ['requests', `${t.requests} (${t.ok} ok, ${t.errors} errors, ${t.dropped} dropped)`],
      ['error rate', fmtPct(t.errorRate)],
      ['throughput', `${fmtNum(t.throughputRps)} ok/s`],
      ['conversations', String(t.conversations)],
      ['degraded replies', String(t.degraded)],
      ['LLM cost', fmtUsd(r.llmCostUsd)],
      ['cost per conversation', fmtUsd(r.costPerConversationUsd)],
      ...(r.llmCache
        ? [['LLM cache', `${r.llmCache.hits} hits, ${r.llmCache.misses} misses${r.llmCache.hitRatio === null ? '' : ` (hit ratio ${fmtPct(r.llmCache.hitRatio)})`}`]]
        : []),
      ['target', r.target.endpoint],
    ],
  });
  const latencyRows: string[][] = [
    ['turns, from intended send', ...latencyCells(r.latencyMs)],
    ['turns, from actual send (service time)', ...latencyCells(r.serviceTimeMs)],
    ...Object.entries(r.byOperation).map(([op, st]) => [`operation: ${op}`, ...latencyCells(st)]),
    ...Object.entries(r.byClass).map(([cls, c]) => [`class: ${cls} (${c.errors} errors)`, ...latencyCells(c.latencyMs)]),
  ];
  tables.push({ title: 'Latency (ms)', header: ['', ...LATENCY_COLUMNS], rows: latencyRows });
  if (Object.keys(r.perHopMs).length) {
    tables.push({
      title: 'Per-hop latency from the gateway (ms)',
      header: ['hop', ...LATENCY_COLUMNS],
      rows: Object.entries(r.perHopMs).map(([hop, st]) => [hop, ...latencyCells(st)]),
    });
  }
  const errRows = [
    ...Object.entries(r.errors.byStatus).map(([k, v]) => ['status', k === '0' ? '0 (no HTTP answer)' : k, String(v)]),
    ...Object.entries(r.errors.byCode).map(([k, v]) => ['code', k, String(v)]),
    ...Object.entries(r.degradedByHop).map(([k, v]) => ['degraded hop', k, String(v)]),
  ];
  if (errRows.length) tables.push({ title: 'Errors and degraded hops', header: ['by', 'value', 'count'], rows: errRows });
  if (r.phases.length) {
    tables.push({
      title: 'Phases',
      header: ['phase', 'window', 'target rps', 'requests', 'errors', 'error rate', 'ok/s', 'p50', 'p95', 'p99', 'step SLO'],
      rows: r.phases.map((p) => [
        p.name,
        `${fmtNum(p.startS, 1)}–${fmtNum(p.endS, 1)} s`,
        p.targetRps === undefined ? '' : fmtNum(p.targetRps),
        String(p.requests),
        String(p.errors),
        fmtPct(p.errorRate),
        fmtNum(p.throughputRps),
        fmtMs(p.latencyMs.p50),
        fmtMs(p.latencyMs.p95),
        fmtMs(p.latencyMs.p99),
        p.passed === undefined ? '' : p.passed ? 'pass' : 'FAIL',
      ]),
    });
  }
  tables.push({
    title: 'KEDA triggers (would have fired?)',
    header: ['trigger', 'service', 'threshold', 'fired', 'first', 'last', 'samples above', 'peak', 'desired replicas at peak'],
    rows: r.keda.map((k) => [
      k.trigger,
      k.service,
      `> ${k.threshold} ${k.unit}`,
      k.fired ? 'YES' : 'no',
      s1(k.firstAtS),
      s1(k.lastAtS),
      `${k.samplesAbove}/${k.samples}`,
      k.peak === undefined ? '—' : fmtNum(k.peak),
      k.peakDesiredReplicas === undefined ? '' : String(k.peakDesiredReplicas),
    ]),
  });
  const cb = r.circuitBreaker;
  if (cb) {
    tables.push({
      title: 'Circuit breaker',
      header: ['', ''],
      rows: [
        ['LLM outage injected', cb.faultInjected ? `yes, ${fmtNum(cb.faultStartS, 1)}–${fmtNum(cb.faultEndS, 1)} s` : `no${cb.faultError ? ` (${cb.faultError})` : ''}`],
        ['breaker open', cb.openIntervals.length ? cb.openIntervals.map((i) => `${fmtNum(i.startS, 1)}–${fmtNum(i.endS, 1)} s`).join(', ') : 'never seen open'],
        ['closed again at', s1(cb.closedAtS)],
        ['recovered (clean reply) at', s1(cb.recoveredAtS)],
        ['fail-fast latency (ms)', cb.failFastMs.count ? `p50 ${fmtMs(cb.failFastMs.p50)}, p99 ${fmtMs(cb.failFastMs.p99)}, max ${fmtMs(cb.failFastMs.max)} (n=${cb.failFastMs.count})` : 'no samples'],
        ['fail-fast measured as', cb.failFastMethod],
        ...(cb.inFlightAtOpenMs
          ? [['caught in flight when it opened (ms)', `p50 ${fmtMs(cb.inFlightAtOpenMs.p50)}, max ${fmtMs(cb.inFlightAtOpenMs.max)} (n=${cb.inFlightAtOpenMs.count})`]]
          : []),
        ...(cb.halfOpenAtEnd ? [['half-open at the end (no trial call yet)', cb.halfOpenAtEnd.join(', ')]] : []),
      ],
    });
  }
  if (r.capacity) {
    tables.push({
      title: 'Capacity',
      header: ['', ''],
      rows: [
        ['last passing rate', r.capacity.lastPassingRps === null ? 'none' : `${r.capacity.lastPassingRps} rps`],
        ['first failing rate', r.capacity.firstFailingRps === null ? 'none' : `${r.capacity.firstFailingRps} rps`],
        ['stopped because', r.capacity.stopReason],
      ],
    });
  }
  if (r.coldStart) {
    const c = r.coldStart;
    tables.push({
      title: 'Cold start',
      header: ['', ''],
      rows: [
        ['cold (gateway not ready when the run began)', c.cold ? 'yes' : 'no'],
        ['waited for /ready', `${fmtNum(c.waitedForReadyMs, 0)} ms`],
        ['gateway process started', c.gatewayProcessStartedAt ?? 'unknown'],
        ['process start → ready', c.readyAfterProcessStartMs === undefined ? '—' : `${fmtNum(c.readyAfterProcessStartMs, 0)} ms`],
        [
          'process start → first reply',
          c.firstReplyAfterProcessStartMs === undefined
            ? '—'
            : `${fmtNum(c.firstReplyAfterProcessStartMs, 0)} ms${c.firstReplyDegraded ? ` (degraded: ${c.firstReplyDegraded.join(', ')})` : ''}`,
        ],
        ['process start → first clean reply', c.firstCleanReplyAfterProcessStartMs === undefined ? '—' : `${fmtNum(c.firstCleanReplyAfterProcessStartMs, 0)} ms`],
      ],
    });
  }
  if (r.memory && Object.keys(r.memory).length) {
    tables.push({
      title: 'Memory (RSS)',
      header: ['service', 'first', 'last', 'peak', 'growth', 'slope'],
      rows: Object.entries(r.memory).map(([name, m]) => [
        name,
        fmtBytes(m.firstBytes),
        fmtBytes(m.lastBytes),
        fmtBytes(m.peakBytes),
        `${m.growthPct} %`,
        `${m.slopeMbPerHour} MB/h`,
      ]),
    });
  }
  return tables;
}
