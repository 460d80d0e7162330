/**
 * `npm run test:faults [-- --only 1,4,9] [--soak-seconds 600] [--outage-seconds 20] [--quick] [--drain-delay-ms 1000]`:
 * runs the fault scenarios against a local multi-replica stack, prints the summary table, writes
 * `results/latest.json`, exits 1 when any scenario fails.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runSuite, table, writeReport } from './run.js';
import { DEFAULT_OPTIONS } from './scenarios/options.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'soak-seconds': { type: 'string' },
    'outage-seconds': { type: 'string' },
    quick: { type: 'boolean', default: false },
    'drain-delay-ms': { type: 'string' },
  },
});
const only = values.only
  ? values.only.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n >= 1 && n <= 12)
  : Array.from({ length: 12 }, (_, i) => i + 1);
const opts = {
  quick: values.quick ?? false,
  soakSeconds: values['soak-seconds'] ? Number(values['soak-seconds']) : DEFAULT_OPTIONS.soakSeconds,
  outageSeconds: values['outage-seconds'] ? Number(values['outage-seconds']) : DEFAULT_OPTIONS.outageSeconds,
};

const report = await runSuite(only, opts, (s) => console.error(s), values['drain-delay-ms'] ? { drainDelayMs: Number(values['drain-delay-ms']) } : {});
console.log(table(report.results));
console.log(`\n${report.results.filter((r) => r.pass).length} passed, ${report.results.filter((r) => !r.pass).length} failed`);
const file = await writeReport(report, path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results'));
console.error(`details: ${file} (total ${(report.durationMs / 1000).toFixed(0)} s)`);
process.exitCode = report.pass ? 0 : 1;
