import type { LatencyStats } from '../result-schema.js';

export const fmtMs = (v: number): string => (v >= 100 ? `${Math.round(v)}` : v >= 10 ? v.toFixed(1) : v.toFixed(2));
export const fmtPct = (fraction: number): string => `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.001 ? 3 : 2)} %`;
export const fmtNum = (v: number, digits = 2): string => (Number.isInteger(v) ? String(v) : v.toFixed(digits));
export const fmtUsd = (v: number | null): string => (v === null ? 'n/a' : `$${v < 0.01 ? v.toFixed(6) : v.toFixed(4)}`);
export const fmtBytes = (v: number): string => `${(v / 1048576).toFixed(1)} MB`;

export const LATENCY_COLUMNS = ['count', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'] as const;

/** `[count, p50, p90, p95, p99, p99.9, max]` as strings (ms). */
export function latencyCells(s: LatencyStats): string[] {
  return [String(s.count), fmtMs(s.p50), fmtMs(s.p90), fmtMs(s.p95), fmtMs(s.p99), fmtMs(s.p999), fmtMs(s.max)];
}

/** A plain-text table with aligned columns (console output). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A Markdown table; pipes and newlines in cells are escaped so every row keeps its column count. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (c: string) => c.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
