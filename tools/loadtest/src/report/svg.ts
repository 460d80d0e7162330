import { escapeHtml } from './format.js';

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color?: string;
  readonly dashed?: boolean;
}

/** A shaded time window (e.g. the outage, a breaker-open interval). */
export interface Band {
  readonly startS: number;
  readonly endS: number;
  readonly label: string;
  readonly color: string;
}

export interface ChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly bands?: readonly Band[];
  readonly width?: number;
  readonly height?: number;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** Round tick step (1, 2, 5 × 10^n) for about `count` ticks over `span`. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

const num = (v: number) => (Math.round(v * 10) / 10).toString();
const label = (v: number) => (Math.abs(v) >= 1000 ? `${num(v / 1000)}k` : num(v));

/** A self-contained SVG line chart over time (x in seconds). Empty series render an explanatory placeholder. */
export function lineChart(opts: ChartOptions): string {
  const width = opts.width ?? 760;
  const height = opts.height ?? 240;
  const m = { left: 56, right: 16, top: 40, bottom: 34 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const all = opts.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const title = `<text x="${m.left}" y="16" font-size="13" font-weight="600">${escapeHtml(opts.title)}</text>`;
  if (all.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 60" width="${width}" height="60" role="img" aria-label="${escapeHtml(opts.title)}">${title}<text x="${m.left}" y="40" font-size="12" fill="#666">no data</text></svg>`;
  }
  const bands = opts.bands ?? [];
  const xMax = Math.max(1, ...all.map(([x]) => x), ...bands.map((b) => b.endS));
  const yMaxRaw = Math.max(...all.map(([, y]) => y));
  const yStep = niceStep(yMaxRaw > 0 ? yMaxRaw : 1);
  const yMax = Math.max(yStep, Math.ceil((yMaxRaw > 0 ? yMaxRaw : 1) / yStep) * yStep);
  const xStep = niceStep(xMax, 6);
  const sx = (x: number) => m.left + (x / xMax) * w;
  const sy = (y: number) => m.top + h - (Math.min(y, yMax) / yMax) * h;

  const parts: string[] = [title];
  for (const b of bands) {
    const x1 = sx(Math.max(0, b.startS));
    const x2 = sx(Math.min(xMax, Math.max(b.startS, b.endS)));
    parts.push(
      `<rect x="${num(x1)}" y="${m.top}" width="${num(Math.max(1, x2 - x1))}" height="${h}" fill="${b.color}" opacity="0.15"><title>${escapeHtml(b.label)}</title></rect>`,
    );
  }
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    parts.push(
      `<line x1="${m.left}" x2="${m.left + w}" y1="${num(sy(y))}" y2="${num(sy(y))}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${num(sy(y) + 4)}" font-size="10" text-anchor="end" fill="#444">${label(y)}</text>`,
    );
  }
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    parts.push(`<text x="${num(sx(x))}" y="${m.top + h + 14}" font-size="10" text-anchor="middle" fill="#444">${label(x)}</text>`);
  }
  parts.push(
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + h}" stroke="#888"/>`,
    `<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" stroke="#888"/>`,
    `<text x="${m.left + w}" y="${height - 4}" font-size="10" text-anchor="end" fill="#444">time (s)</text>`,
    `<text x="12" y="${m.top + h / 2}" font-size="10" fill="#444" transform="rotate(-90 12 ${m.top + h / 2})" text-anchor="middle">${escapeHtml(opts.yLabel)}</text>`,
  );
  let legendX = m.left;
  opts.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length > 0) {
      const d = pts.map(([x, y]) => `${num(sx(x))},${num(sy(y))}`).join(' ');
      parts.push(
        `<polyline points="${d}" fill="none" stroke="${color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="5 4"' : ''}><title>${escapeHtml(s.name)}</title></polyline>`,
      );
    }
    parts.push(
      `<rect x="${legendX}" y="24" width="10" height="3" fill="${color}"/>`,
      `<text x="${legendX + 14}" y="29" font-size="10" fill="#222">${escapeHtml(s.name)}</text>`,
    );
    legendX += 24 + s.name.length * 6;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(opts.title)}">${parts.join('')}</svg>`;
}
