import type { CompareVerdict } from '../compare.js';
import type { LoadTestResult } from '../result-schema.js';
import { fmtMs, fmtNum, fmtPct, textTable } from './format.js';
import { sloTable, type Table } from './tables.js';

/** The console summary printed after a run: headline numbers, the SLO table, fired KEDA triggers. */
export function renderConsoleSummary(r: LoadTestResult): string {
  const t = r.totals;
  const l = r.latencyMs;
  const lines = [
    `${r.scenario.name} (×${r.scenario.scale}, ${r.scenario.model} model): ${t.requests} requests in ${fmtNum(t.durationS, 1)} s, ${fmtNum(t.throughputRps)} ok/s, errors ${fmtPct(t.errorRate)}`,
    `latency (ms, from intended send): p50 ${fmtMs(l.p50)}  p90 ${fmtMs(l.p90)}  p95 ${fmtMs(l.p95)}  p99 ${fmtMs(l.p99)}  p99.9 ${fmtMs(l.p999)}  max ${fmtMs(l.max)}`,
  ];
  const fired = r.keda.filter((k) => k.fired);
  if (fired.length) lines.push(`KEDA would have scaled: ${fired.map((k) => `${k.service} on ${k.trigger} from t=${k.firstAtS} s (peak ${fmtNum(k.peak ?? 0)})`).join('; ')}`);
  if (r.capacity) lines.push(`capacity: last passing ${r.capacity.lastPassingRps ?? 'none'} rps — ${r.capacity.stopReason}`);
  const slo = sloTable(r);
  lines.push('', textTable(slo.header, slo.rows), '', r.passed ? 'RESULT: PASS' : r.slos.some((x) => x.status === 'fail') ? 'RESULT: FAIL (SLO broken)' : 'RESULT: FAIL (interrupted before the end)');
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export function compareTable(v: CompareVerdict): Table {
  const n = (x: number | null) => (x === null ? 'n/a' : String(Number(x.toPrecision(4))));
  return {
    title: 'Comparison',
    header: ['metric', 'base', 'current', 'change', 'limit', 'verdict'],
    rows: v.rows.map((r) => [r.metric, n(r.base), n(r.current), r.change, r.limit, r.regression ? (r.significant === false ? 'REGRESSION (not significant)' : 'REGRESSION') : r.note ? `ok (${r.note})` : 'ok']),
  };
}

export function renderCompareText(v: CompareVerdict): string {
  const t = compareTable(v);
  return [textTable(t.header, t.rows), ...v.notes.map((n) => `note: ${n}`), '', v.regression ? 'VERDICT: REGRESSION' : 'VERDICT: no regression'].join('\n');
}
