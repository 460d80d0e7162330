import { expectedCalibrationError } from './calibration.js';
import type { IntentModel, LabelledExample } from './intent-model.js';

export interface EvaluationReport {
  examples: number;
  accuracy: number;
  perIntent: Record<string, { examples: number; correct: number; accuracy: number }>;
  meanConfidenceCorrect: number;
  meanConfidenceWrong: number;
  /** Expected calibration error over 10 bins. */
  ece: number;
  /** Predictions at or above the unsure threshold … */
  sure: { examples: number; accuracy: number };
  /** … and below it. */
  unsure: { examples: number; accuracy: number };
  /** Most frequent confusions, `expected → predicted`. */
  confusions: { expected: string; predicted: string; count: number }[];
  errors: { text: string; expected: string; predicted: string; confidence: number }[];
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

export function evaluateModel(model: Pick<IntentModel, 'predict'>, examples: readonly LabelledExample[], unsureThreshold: number): EvaluationReport {
  const perIntent: EvaluationReport['perIntent'] = {};
  const predictions: { confidence: number; correct: boolean }[] = [];
  const errors: EvaluationReport['errors'] = [];
  const confusionCounts = new Map<string, number>();
  for (const ex of examples) {
    const p = model.predict(ex.text);
    const correct = p.intent === ex.intent;
    predictions.push({ confidence: p.confidence, correct });
    const row = (perIntent[ex.intent] ??= { examples: 0, correct: 0, accuracy: 0 });
    row.examples++;
    if (correct) row.correct++;
    else {
      errors.push({ text: ex.text, expected: ex.intent, predicted: p.intent, confidence: p.confidence });
      const key = `${ex.intent}\u0000${p.intent}`;
      confusionCounts.set(key, (confusionCounts.get(key) ?? 0) + 1);
    }
  }
  for (const row of Object.values(perIntent)) row.accuracy = row.correct / row.examples;
  const sure = predictions.filter((p) => p.confidence >= unsureThreshold);
  const unsure = predictions.filter((p) => p.confidence < unsureThreshold);
  const accuracyOf = (ps: readonly { correct: boolean }[]): number => (ps.length === 0 ? Number.NaN : ps.filter((p) => p.correct).length / ps.length);
  return {
    examples: examples.length,
    accuracy: accuracyOf(predictions),
    perIntent,
    meanConfidenceCorrect: mean(predictions.filter((p) => p.correct).map((p) => p.confidence)),
    meanConfidenceWrong: mean(predictions.filter((p) => !p.correct).map((p) => p.confidence)),
    ece: expectedCalibrationError(predictions),
    sure: { examples: sure.length, accuracy: accuracyOf(sure) },
    unsure: { examples: unsure.length, accuracy: accuracyOf(unsure) },
    confusions: [...confusionCounts.entries()]
      .map(([key, count]) => {
        const [expected = '', predicted = ''] = key.split('\u0000');
        return { expected, predicted, count };
      })
      .sort((a, b) => b.count - a.count),
    errors,
  };
}
