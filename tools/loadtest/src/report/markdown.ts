import type { CompareVerdict } from '../compare.js';
import type { LoadTestResult } from '../result-schema.js';
import { mdTable } from './format.js';
import { compareTable } from './text.js';
import { reportTables } from './tables.js';

/** A Markdown summary of one run (GitHub-flavoured tables). */
export function renderMarkdown(r: LoadTestResult): string {
  const out = [
    `# Load test: ${r.scenario.name} — ${r.passed ? 'PASS' : 'FAIL'}`,
    '',
    `${r.scenario.description}`,
    '',
    `Run \`${r.runId}\`, ${r.startedAt} → ${r.finishedAt}, Node ${r.environment.node} on ${r.environment.platform}/${r.environment.arch} with ${r.environment.cpus} CPUs. Schema version ${r.schemaVersion}.`,
  ];
  for (const t of reportTables(r)) {
    out.push('', `## ${t.title}`, '', mdTable(t.header, t.rows));
  }
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n.replace(/\r?\n/g, ' ')}`));
  return `${out.join('\n')}\n`;
}

/** A Markdown summary of a comparison. */
export function renderCompareMarkdown(v: CompareVerdict, basePath: string, currentPath: string): string {
  const t = compareTable(v);
  const out = [
    `# Load test comparison — ${v.regression ? 'REGRESSION' : 'no regression'}`,
    '',
    `Base \`${basePath}\`, current \`${currentPath}\`.`,
    '',
    mdTable(t.header, t.rows),
  ];
  if (v.notes.length) out.push('', ...v.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}
