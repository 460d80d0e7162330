import type { CapacityReport } from './simulate.js';

/** The console summary and the self-contained HTML report (inline SVG, no scripts, no external assets). */

const ms = (v: number | null): string => (v === null ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
const usd = (v: number): string => `$${v.toFixed(2)}`;
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** "p95 62 %, inflight 3 %": which metric asked for the most replicas (above the minimum), by share of HPA syncs. */
export function drivers(d: Readonly<Record<string, number>>): string {
  const entries = Object.entries(d)
    .filter(([, v]) => v >= 0.005)
    .sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'minimum' : entries.map(([k, v]) => `${k} ${(v * 100).toFixed(0)} %`).join(', ');
}

export function renderText(r: CapacityReport): string {
  const lines: string[] = [];
  lines.push(`Support Mesh capacity simulation — profile ${r.profile.name}: ${r.profile.description}`);
  lines.push(
    `manifests ${r.manifests || '(given)'} · ${r.profile.durationSeconds / 3600} h at ${r.stepSeconds} s steps from ${r.profile.start} · gateway peak ${r.profile.peakRps.toFixed(2)} rps, mean ${r.profile.meanRps.toFixed(2)} rps · service times: ${r.costModelSource}`,
  );
  lines.push('');
  const header = `${pad('service', 20)}${lpad('min', 4)}${lpad('max', 5)}${lpad('peak', 6)}${lpad('mean', 7)}${lpad('at max', 8)}${lpad('peak rps', 10)}${lpad('p95', 10)}${lpad('worst p95', 11)}${lpad('dropped', 9)}${lpad('$/month', 10)}  driven by`;
  lines.push(header);
  lines.push('-'.repeat(header.length));
  for (const s of r.services) {
    lines.push(
      `${pad(s.name, 20)}${lpad(String(s.minReplicas), 4)}${lpad(String(s.maxReplicas), 5)}${lpad(String(s.peakReplicas), 6)}${lpad(s.meanReplicas.toFixed(2), 7)}${lpad(
        `${(s.atMaxFraction * 100).toFixed(0)} %`,
        8,
      )}${lpad(s.peakRps.toFixed(2), 10)}${lpad(ms(s.p95Ms), 10)}${lpad(ms(s.worstP95Ms), 11)}${lpad(s.droppedRequests.toFixed(0), 9)}${lpad(usd(s.monthlyCostUsd), 10)}  ${drivers(s.drivers)}`,
    );
  }
  lines.push('-'.repeat(header.length));
  const c = r.cost;
  lines.push(
    c.model === 'aca'
      ? `total monthly cost (Azure Container Apps list prices, ${c.prices.region}): ${usd(c.netMonthlyUsd)} = ${usd(c.grossMonthlyUsd)} − free grant ${usd(c.freeGrantUsd)}`
      : `total monthly cost (AKS ${c.prices.model === 'aks' ? c.prices.nodeSku : ''} node pool, list prices, ${c.prices.region}): ${usd(c.netMonthlyUsd)}`,
  );
  for (const n of c.notes) lines.push(`  · ${n}`);
  lines.push(`end-to-end p95 (${r.endToEnd.description}): ${ms(r.endToEnd.p95Ms)} request-weighted, worst step ${ms(r.endToEnd.worstP95Ms)}`);
  const warnings = r.services.flatMap((s) => s.warnings.map((w) => `${s.name}: ${w}`));
  for (const w of warnings) lines.push(`warning: ${w}`);
  lines.push(`budget: ${r.verdict.budget.message}`);
  lines.push(`SLO: ${r.verdict.slo.message}`);
  lines.push(r.verdict.line);
  return lines.join('\n');
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

interface Line {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly dashed?: boolean;
}

function chart(title: string, unit: string, t: readonly number[], lines: readonly Line[], opts: { step?: boolean; yMax?: number; threshold?: { value: number; label: string } } = {}): string {
  const W = 960;
  const H = 300;
  const left = 60;
  const right = 180;
  const top = 28;
  const bottom = 36;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const tMax = Math.max(1, t.at(-1) ?? 1);
  const finite = lines.flatMap((l) => l.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  let yMax = opts.yMax ?? Math.max(1, ...finite, opts.threshold?.value ?? 0) * 1.1;
  if (!Number.isFinite(yMax) || yMax <= 0) yMax = 1;
  const x = (v: number): number => left + (v / tMax) * plotW;
  const y = (v: number): number => top + plotH - (Math.min(v, yMax) / yMax) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}">`);
  parts.push(`<text x="${left}" y="18" font-size="14" font-weight="600">${escapeHtml(title)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)}</text>`);
  }
  const dayTicks = tMax > 2 * 86_400;
  const tickStep = dayTicks ? 86_400 : tMax > 7200 ? 3600 * Math.ceil(tMax / 3600 / 12) : Math.max(60, Math.ceil(tMax / 10 / 60) * 60);
  for (let v = 0; v <= tMax; v += tickStep) {
    parts.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${top}" y2="${top + plotH}" stroke="#f0f0f0"/>`);
    const label = dayTicks ? `day ${v / 86_400 + 1}` : tMax > 7200 ? `${(v / 3600).toFixed(0)} h` : `${(v / 60).toFixed(0)} min`;
    parts.push(`<text x="${x(v).toFixed(1)}" y="${H - 14}" font-size="11" text-anchor="middle">${label}</text>`);
  }
  parts.push(`<text x="14" y="${top + plotH / 2}" font-size="11" transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle">${escapeHtml(unit)}</text>`);
  if (opts.threshold) {
    const ty = y(opts.threshold.value).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${ty}" y2="${ty}" stroke="#d62728" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${left + plotW - 4}" y="${Number(ty) - 4}" font-size="11" text-anchor="end" fill="#d62728">${escapeHtml(opts.threshold.label)}</text>`);
  }
  lines.forEach((l, idx) => {
    let d = '';
    let pen = false;
    l.values.forEach((v, i) => {
      const ti = t[i] ?? 0;
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      if (!pen) {
        d += `M${x(ti).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
      } else if (opts.step) {
        d += `H${x(ti).toFixed(1)}V${y(v).toFixed(1)}`;
      } else {
        d += `L${x(ti).toFixed(1)},${y(v).toFixed(1)}`;
      }
    });
    parts.push(`<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.5"${l.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
    const ly = top + 12 + idx * 16;
    parts.push(`<line x1="${left + plotW + 12}" x2="${left + plotW + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${l.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
    parts.push(`<text x="${left + plotW + 36}" y="${ly}" font-size="11">${escapeHtml(l.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

function bars(title: string, items: readonly { label: string; value: number }[]): string {
  const W = 960;
  const rowH = 22;
  const left = 170;
  const H = 40 + items.length * rowH;
  const max = Math.max(1, ...items.map((i) => i.value));
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}">`, `<text x="10" y="18" font-size="14" font-weight="600">${escapeHtml(title)}</text>`];
  items.forEach((item, i) => {
    const yy = 30 + i * rowH;
    const w = ((W - left - 120) * item.value) / max;
    parts.push(`<text x="${left - 8}" y="${yy + 14}" font-size="12" text-anchor="end">${escapeHtml(item.label)}</text>`);
    parts.push(`<rect x="${left}" y="${yy}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${PALETTE[i % PALETTE.length]}"/>`);
    parts.push(`<text x="${(left + w + 6).toFixed(1)}" y="${yy + 14}" font-size="12">${escapeHtml(usd(item.value))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export function renderHtml(r: CapacityReport): string {
  const t = r.timeline.t;
  const names = r.services.map((s) => s.name);
  const color = (i: number): string => PALETTE[i % PALETTE.length];
  const replicas = chart(
    'Replicas per service (spec.replicas, max per bucket)',
    'replicas',
    t,
    names.map((n, i) => ({ label: n, values: r.timeline.services[n].replicas, color: color(i) })),
    { step: true },
  );
  const load = chart('Gateway arrivals', 'requests/s', t, [{ label: 'gateway rps', values: r.timeline.rps, color: '#333' }]);
  const p95Values = names.map((n, i) => ({ label: n, values: r.timeline.services[n].p95Ms.map((v) => (v === null ? null : v / 1000)), color: color(i) }));
  const latency = chart(
    'Estimated p95 latency (max per bucket)',
    'seconds',
    t,
    [...p95Values, { label: 'end-to-end turn', values: r.timeline.endToEndP95Ms.map((v) => (v === null ? null : v / 1000)), color: '#000', dashed: true }],
    { yMax: Math.min(10, Math.max(r.verdict.slo.p95Seconds * 1.5, ...[...p95Values.flatMap((l) => l.values), ...r.timeline.endToEndP95Ms.map((v) => (v === null ? null : v / 1000))].filter((v): v is number => v !== null).map((v) => v * 1.1))), threshold: { value: r.verdict.slo.p95Seconds, label: `SLO ${r.verdict.slo.p95Seconds} s` } },
  );
  const cumulative = chart('Cumulative compute cost over the simulated window', 'USD', t, [{ label: 'all services', values: r.timeline.costUsd, color: '#2ca02c' }]);
  const monthly = bars(
    `Monthly cost per service (${r.cost.model === 'aca' ? 'Azure Container Apps' : 'AKS node pool'} list prices)`,
    r.services.map((s) => ({ label: s.name, value: s.monthlyCostUsd })),
  );
  const rows = r.services
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.name)}</td><td>${s.minReplicas}–${s.maxReplicas}</td><td>${s.peakReplicas}</td><td>${s.meanReplicas.toFixed(2)}</td><td>${(s.atMaxFraction * 100).toFixed(0)} %</td><td>${s.peakRps.toFixed(2)}</td><td>${ms(s.p95Ms)}</td><td>${ms(
          s.worstP95Ms,
        )}</td><td>${s.droppedRequests.toFixed(0)}</td><td>${usd(s.monthlyCostUsd)}</td><td class="small"><b>${escapeHtml(drivers(s.drivers))}</b> · ${escapeHtml(s.triggers.join(', '))}${s.formula ? `<br>formula: <code>${escapeHtml(s.formula)}</code>` : ''}</td></tr>`,
    )
    .join('');
  const ok = (b: boolean): string => (b ? 'ok' : 'bad');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Support Mesh capacity — ${escapeHtml(r.profile.name)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1100px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:right;vertical-align:top}
th:first-child,td:first-child,td.small{text-align:left}td.small{font-size:11px;color:#555}
.verdict{padding:10px 14px;border-radius:6px;margin:6px 0}.ok{background:#e8f5e9}.bad{background:#ffebee}
svg{width:100%;height:auto;margin:12px 0;border:1px solid #eee}code{font-size:11px}
</style></head><body>
<h1>Support Mesh capacity simulation</h1>
<p>Profile <b>${escapeHtml(r.profile.name)}</b>: ${escapeHtml(r.profile.description)}. Manifests <code>${escapeHtml(r.manifests)}</code>; ${r.profile.durationSeconds / 3600} h from ${escapeHtml(r.profile.start)} at ${r.stepSeconds} s steps; gateway peak ${r.profile.peakRps.toFixed(2)} rps, mean ${r.profile.meanRps.toFixed(2)} rps. Service times: ${escapeHtml(r.costModelSource)}.</p>
<div class="verdict ${ok(r.verdict.budget.holds)}"><b>Budget</b> — ${escapeHtml(r.verdict.budget.message)}</div>
<div class="verdict ${ok(r.verdict.slo.holds)}"><b>SLO</b> — ${escapeHtml(r.verdict.slo.message)}</div>
<table><thead><tr><th>service</th><th>min–max</th><th>peak</th><th>mean</th><th>at max</th><th>peak rps</th><th>p95</th><th>worst p95</th><th>dropped</th><th>$/month</th><th>driven by · triggers</th></tr></thead><tbody>${rows}</tbody></table>
<p>Total: <b>${usd(r.cost.netMonthlyUsd)}</b>/month${r.cost.model === 'aca' ? ` (${usd(r.cost.grossMonthlyUsd)} − free grant ${usd(r.cost.freeGrantUsd)})` : ''}. ${r.cost.notes.map(escapeHtml).join('; ')}. Prices: ${escapeHtml(r.cost.prices.source)} — list prices, adjust to your agreement.</p>
${load}
${replicas}
${latency}
${cumulative}
${monthly}
<p class="small">End-to-end: ${escapeHtml(r.endToEnd.description)}. Latency per service: M/M/c (Erlang C) over ready pods × concurrency slots with lognormal service times, p95 from a moment-matched lognormal; HPA/KEDA semantics as in the Kubernetes and KEDA documentation. Generated ${escapeHtml(r.generatedAt)}.</p>
</body></html>
`;
}
