import { describe, expect, it } from 'vitest';
import { LoadTestResult } from '../result-schema.js';
import { sampleResult } from '../testing/index.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderConsoleSummary } from './text.js';

const hostile = sampleResult({
  scenario: { ...sampleResult().scenario, description: 'Load <script>alert(1)</script> & "quotes" | pipes' },
  notes: ['rate limited <b>429</b>'],
  circuitBreaker: {
    faultInjected: true,
    faultStartS: 5,
    faultEndS: 20,
    openIntervals: [{ startS: 6, endS: 21 }],
    openedAtS: 6,
    closedAtS: 21,
    recoveredAtS: 22,
    failFastMs: { count: 10, min: 0.2, mean: 0.5, p50: 0.4, p90: 0.8, p95: 0.9, p99: 1.1, p999: 1.1, max: 1.1 },
    failFastMethod: 'perHop of degraded hops',
  },
});

/** Tag balance of the report's own markup (void elements excluded). */
function unbalancedTags(html: string): string[] {
  const voids = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
  const stack: string[] = [];
  const problems: string[] = [];
  for (const m of html.replace(/<!doctype[^>]*>/i, '').matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    const tag = (name as string).toLowerCase();
    if (selfClose || voids.has(tag)) continue;
    if (!close) stack.push(tag);
    else if (stack.pop() !== tag) problems.push(tag);
  }
  return [...problems, ...stack];
}

describe('report writers', () => {
  it('writes JSON that parses back with the versioned schema', () => {
    const json = JSON.stringify(hostile, null, 2);
    const back = LoadTestResult.parse(JSON.parse(json));
    expect(back.schemaVersion).toBe(1);
    expect(back).toEqual(hostile);
  });

  it('rejects JSON of another schema version', () => {
    expect(LoadTestResult.safeParse({ ...hostile, schemaVersion: 2 }).success).toBe(false);
  });

  it('writes a self-contained HTML report with balanced markup, inline SVG charts and escaped text', () => {
    const html = renderHtml(hostile);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(unbalancedTags(html)).toEqual([]);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('Latency over time');
    expect(html).toContain('In-flight requests per pod');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('breaker open');
  });

  it('writes Markdown whose tables keep their column count', () => {
    const md = renderMarkdown(hostile);
    expect(md.startsWith('# Load test: baseline — PASS')).toBe(true);
    const blocks = md.split('\n\n').filter((b) => b.startsWith('| '));
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const block of blocks) {
      const cols = block.split('\n').map((line) => line.replace(/\\\|/g, '').split('|').length);
      expect(new Set(cols).size).toBe(1);
    }
    expect(md).toContain('## SLOs');
    expect(md).toContain('## KEDA triggers (would have fired?)');
    expect(md).toContain('## Circuit breaker');
  });

  it('prints a console summary with the SLO table and the verdict', () => {
    const text = renderConsoleSummary(sampleResult({ passed: false, slos: [{ id: 'p95', description: 'p95 latency', target: '< 2000 ms', actual: '2400 ms', status: 'fail' }] }));
    expect(text).toMatch(/p95 latency\s+< 2000 ms\s+2400 ms\s+FAIL/);
    expect(text).toContain('RESULT: FAIL');
    expect(text).toContain('KEDA would have scaled: gateway on in-flight-per-pod from t=2 s');
  });
});
