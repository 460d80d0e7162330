/**
 * Trains the local model from data/train.jsonl exactly as the service does at start and reports held-out
 * accuracy (overall and per intent), calibration and the effect of the unsure threshold:
 *
 *   cd /work/main && npx tsx apps/intent-classifier/src/scripts/evaluate.ts [--json]
 */
import { DEFAULT_UNSURE_THRESHOLD } from '../classifier.js';
import { loadExamples } from '../model/dataset.js';
import { evaluateModel } from '../model/evaluation.js';
import { IntentModel } from '../model/intent-model.js';
import { HELDOUT_PATH, TRAIN_PATH } from '../paths.js';

const train = loadExamples(TRAIN_PATH);
const heldout = loadExamples(HELDOUT_PATH);
const cpu = process.cpuUsage();
const model = IntentModel.train(train);
const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
const report = evaluateModel(model, heldout, DEFAULT_UNSURE_THRESHOLD);

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ model: model.stats, trainCpuMs: cpuMs, threshold: DEFAULT_UNSURE_THRESHOLD, ...report }, null, 2));
} else {
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  console.log(`training: ${model.stats.examples} examples, ${model.stats.features} features, ${model.stats.trainMs.toFixed(0)} ms wall`);
  console.log(`temperature ${model.temperature.toFixed(3)} (calibration slice: accuracy ${pct(model.stats.calibrationAccuracy)}, ECE ${model.stats.calibrationEce.toFixed(3)})`);
  console.log(`held-out: ${report.examples} examples, accuracy ${pct(report.accuracy)}, ECE ${report.ece.toFixed(3)}`);
  console.log(`mean confidence: correct ${report.meanConfidenceCorrect.toFixed(3)}, wrong ${report.meanConfidenceWrong.toFixed(3)}`);
  console.log(
    `threshold ${DEFAULT_UNSURE_THRESHOLD}: sure ${report.sure.examples} (accuracy ${pct(report.sure.accuracy)}), unsure ${report.unsure.examples} (accuracy ${pct(report.unsure.accuracy)})`,
  );
  console.log('\nper intent:');
  for (const [intent, row] of Object.entries(report.perIntent).sort((a, b) => a[1].accuracy - b[1].accuracy)) {
    console.log(`  ${intent.padEnd(26)} ${String(row.correct).padStart(3)}/${String(row.examples).padEnd(3)} ${pct(row.accuracy)}`);
  }
  console.log('\nconfusions:');
  for (const c of report.confusions.slice(0, 10)) console.log(`  ${c.expected} → ${c.predicted}: ${c.count}`);
}
