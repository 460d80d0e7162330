import type { LoadTestResult, ServiceSignal } from '../result-schema.js';
import { escapeHtml } from './format.js';
import { lineChart, type Band, type Series } from './svg.js';
import { reportTables, type Table } from './tables.js';

type Point = readonly [number, number];

function perService(r: LoadTestResult, read: (s: ServiceSignal) => number | undefined): Series[] {
  const names = [...new Set(r.signals.flatMap((s) => Object.keys(s.services)))];
  return names
    .map((name) => ({
      name,
      points: r.signals
        .map((s) => {
          const sig = s.services[name];
          const v = sig ? read(sig) : undefined;
          return v === undefined ? undefined : ([s.t, v] as Point);
        })
        .filter((p): p is Point => p !== undefined),
    }))
    .filter((s) => s.points.length > 0);
}

function thresholdLine(r: LoadTestResult, value: number, name: string): Series {
  const end = Math.max(r.totals.durationS, r.signals.at(-1)?.t ?? 0, r.timeline.at(-1)?.t ?? 0);
  return { name, points: [[0, value], [end, value]], color: '#555', dashed: true };
}

/** Shaded windows: the injected outage and the intervals a breaker was seen open. */
function bands(r: LoadTestResult): Band[] {
  const cb = r.circuitBreaker;
  if (!cb) return [];
  return [
    ...(cb.faultInjected ? [{ startS: cb.faultStartS, endS: cb.faultEndS, label: 'LLM outage', color: '#ff7f0e' }] : []),
    ...cb.openIntervals.map((i) => ({ startS: i.startS, endS: i.endS, label: 'breaker open', color: '#d62728' })),
  ];
}

/** The report's charts as inline SVG strings. */
export function charts(r: LoadTestResult): string[] {
  const tl = r.timeline;
  const b = bands(r);
  const out = [
    lineChart({
      title: 'Latency over time (turns completed each second, from intended send)',
      yLabel: 'ms',
      bands: b,
      series: [
        { name: 'p50', points: tl.map((p) => [p.t, p.p50] as Point) },
        { name: 'p95', points: tl.map((p) => [p.t, p.p95] as Point) },
        { name: 'p99', points: tl.map((p) => [p.t, p.p99] as Point) },
      ],
    }),
    lineChart({
      title: 'Throughput (requests completed per second)',
      yLabel: 'req/s',
      bands: b,
      series: [
        { name: 'ok', points: tl.map((p) => [p.t, p.ok] as Point), color: '#2ca02c' },
        { name: 'errors', points: tl.map((p) => [p.t, p.errors] as Point), color: '#d62728' },
        { name: 'client in-flight', points: tl.map((p) => [p.t, p.inFlight] as Point), color: '#7f7f7f', dashed: true },
        ...(r.phases.some((p) => p.targetRps !== undefined)
          ? [
              {
                name: 'target rate',
                color: '#1f77b4',
                dashed: true,
                points: r.phases.flatMap((p) => [[p.startS, p.targetRps ?? 0] as Point, [p.endS, p.targetRps ?? 0] as Point]),
              },
            ]
          : []),
      ],
    }),
  ];
  const inFlight = perService(r, (s) => s.inFlight);
  if (inFlight.length) {
    out.push(
      lineChart({
        title: 'In-flight requests per pod (KEDA trigger > 10)',
        yLabel: 'requests',
        bands: b,
        series: [...inFlight, thresholdLine(r, 10, 'KEDA threshold')],
      }),
      lineChart({
        title: 'Replicas KEDA would want (ceil(in-flight / 10) per observed pod)',
        yLabel: 'replicas',
        bands: b,
        series: perService(r, (s) => (s.inFlight === undefined ? undefined : Math.max(1, Math.ceil(s.inFlight / 10)))),
      }),
    );
  }
  const p95 = perService(r, (s) => s.p95Ms);
  if (p95.length) {
    out.push(lineChart({ title: 'Service p95 over 60 s from /metrics (KEDA trigger > 1 s)', yLabel: 'ms', bands: b, series: [...p95, thresholdLine(r, 1000, 'KEDA threshold')] }));
  }
  const breaker = perService(r, (s) => (s.breakers ? Math.max(...Object.values(s.breakers)) : undefined));
  const poolState = Object.keys(r.signals.find((s) => s.pool)?.pool ?? {}).map((name) => ({
    name: `${name} pool`,
    points: r.signals
      .filter((s) => s.pool?.[name])
      .map((s) => {
        const st = s.pool?.[name]?.state;
        return [s.t, st === 'OPEN' ? 2 : st === 'HALF_OPEN' ? 1 : 0] as Point;
      }),
  }));
  if (breaker.length || poolState.length) {
    out.push(lineChart({ title: 'Circuit breaker state (0 closed, 1 half-open, 2 open)', yLabel: 'state', bands: b, series: [...breaker, ...poolState] }));
  }
  const pool = [
    ...perService(r, (s) => s.poolActive).map((s) => ({ ...s, name: `${s.name} active` })),
    ...perService(r, (s) => s.poolWaiting).map((s) => ({ ...s, name: `${s.name} waiting`, dashed: true })),
  ];
  if (pool.length) out.push(lineChart({ title: 'LLM pool connections', yLabel: 'connections', bands: b, series: pool }));
  const lag = perService(r, (s) => s.streamLag);
  if (lag.length) out.push(lineChart({ title: 'Redis stream lag (KEDA trigger > 100)', yLabel: 'entries', series: [...lag, thresholdLine(r, 100, 'KEDA threshold')] }));
  const rss = perService(r, (s) => (s.rssBytes === undefined ? undefined : s.rssBytes / 1048576));
  if (rss.length) out.push(lineChart({ title: 'Resident memory per service', yLabel: 'MB', series: rss }));
  return out;
}

function htmlTable(t: Table): string {
  const head = t.header.some((h) => h) ? `<thead><tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` : '';
  const rows = t.rows
    .map((row) => `<tr>${row.map((c) => `<td${/^(PASS|FAIL|YES)$/.test(c) ? ` class="${c.toLowerCase()}"` : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<section><h2>${escapeHtml(t.title)}</h2><table>${head}<tbody>${rows}</tbody></table></section>`;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f6f6}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600}
.badge.pass{background:#2ca02c}.badge.fail{background:#d62728}td.pass{color:#2ca02c;font-weight:600}
td.fail{color:#d62728;font-weight:600}td.yes{font-weight:600}.charts svg{display:block;margin:12px 0;max-width:100%;height:auto}
.meta{color:#555}`;

/** A self-contained HTML report: tables plus inline SVG charts, no external assets or scripts. */
export function renderHtml(r: LoadTestResult): string {
  const tables = reportTables(r);
  const [slo, ...rest] = tables;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Load test ${r.scenario.name} — ${r.passed ? 'PASS' : 'FAIL'}`)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Load test: ${escapeHtml(r.scenario.name)} <span class="badge ${r.passed ? 'pass' : 'fail'}">${r.passed ? 'PASS' : 'FAIL'}</span></h1>
<p>${escapeHtml(r.scenario.description)}</p>
<p class="meta">Run ${escapeHtml(r.runId)} · ${escapeHtml(r.startedAt)} → ${escapeHtml(r.finishedAt)} · Node ${escapeHtml(r.environment.node)} on ${escapeHtml(r.environment.platform)}/${escapeHtml(r.environment.arch)}, ${r.environment.cpus} CPUs · schema v${r.schemaVersion}</p>
${slo ? htmlTable(slo) : ''}
<section class="charts"><h2>Charts</h2>
${charts(r).join('\n')}
</section>
${rest.map(htmlTable).join('\n')}
${r.notes.length ? `<section><h2>Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>` : ''}
</body>
</html>
`;
}
