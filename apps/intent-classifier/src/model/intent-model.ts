/**
 * The local intent model: features (features.ts) → softmax regression → temperature-scaled probabilities.
 *
 * `IntentModel.train` first trains on a stratified 80 % of the examples and fits the temperature on the other
 * 20 % (examples that model never saw), then trains the final model on all examples with the same settings and
 * keeps that temperature.
 */
import { expectedCalibrationError, fitTemperature } from './calibration.js';
import { DEFAULT_FEATURE_OPTIONS, extractFeatures, type FeatureOptions } from './features.js';
import { DEFAULT_TRAIN_OPTIONS, SoftmaxRegression, mulberry32, softmaxInPlace, type TrainOptions } from './softmax-regression.js';

export interface LabelledExample {
  text: string;
  intent: string;
  /** Template or source group; the calibration slice takes whole groups so it holds unseen phrasings. */
  group?: string;
}

export interface IntentPrediction {
  intent: string;
  /** Calibrated probability of `intent` (0..1). */
  confidence: number;
  /** The best three intents with their probabilities, best first. */
  ranking: { intent: string; probability: number }[];
}

export interface IntentModelOptions {
  features: FeatureOptions;
  training: TrainOptions;
  /** Share of each intent's examples held back to fit the temperature. */
  calibrationShare: number;
  seed: number;
}

export const DEFAULT_MODEL_OPTIONS: IntentModelOptions = {
  features: DEFAULT_FEATURE_OPTIONS,
  training: DEFAULT_TRAIN_OPTIONS,
  calibrationShare: 0.2,
  seed: 11,
};

export interface IntentModelStats {
  examples: number;
  features: number;
  temperature: number;
  /** Calibration-slice accuracy and expected calibration error (before the final refit). */
  calibrationAccuracy: number;
  calibrationEce: number;
  trainMs: number;
}

export class IntentModel {
  private constructor(
    private readonly model: SoftmaxRegression,
    private readonly features: FeatureOptions,
    readonly temperature: number,
    readonly stats: IntentModelStats,
  ) {}

  get classes(): readonly string[] {
    return this.model.classes;
  }

  static train(examples: readonly LabelledExample[], options: Partial<IntentModelOptions> = {}): IntentModel {
    const opts = { ...DEFAULT_MODEL_OPTIONS, ...options };
    const started = performance.now();
    if (examples.length === 0) throw new RangeError('cannot train an intent model without examples');
    const classes = [...new Set(examples.map((e) => e.intent))].sort();
    const vectors = examples.map((e) => extractFeatures(e.text, opts.features));
    const labels = examples.map((e) => e.intent);

    const data = SoftmaxRegression.encode(vectors, labels, classes);
    const { fit, holdout } = groupedSplit(examples, opts.calibrationShare, opts.seed);
    let temperature = 1;
    let calibrationAccuracy = Number.NaN;
    let calibrationEce = Number.NaN;
    if (holdout.length > 0) {
      const probe = SoftmaxRegression.fit(data, opts.training, fit);
      const logits = holdout.map((i) => probe.logits(vectors[i] as Map<string, number>));
      const truth = holdout.map((i) => classes.indexOf(labels[i] as string));
      temperature = fitTemperature(logits, truth);
      const predictions = logits.map((z, k) => {
        const p = softmaxInPlace(Float64Array.from(z), temperature);
        const best = argmax(p);
        return { confidence: p[best] as number, correct: best === truth[k] };
      });
      calibrationAccuracy = predictions.filter((p) => p.correct).length / predictions.length;
      calibrationEce = expectedCalibrationError(predictions);
    }
    const model = SoftmaxRegression.fit(data, opts.training);
    const stats: IntentModelStats = {
      examples: examples.length,
      features: model.featureCount,
      temperature,
      calibrationAccuracy,
      calibrationEce,
      trainMs: performance.now() - started,
    };
    return new IntentModel(model, opts.features, temperature, stats);
  }

  predict(text: string): IntentPrediction {
    const p = softmaxInPlace(this.model.logits(extractFeatures(text, this.features)), this.temperature);
    const ranking = [...p]
      .map((probability, c) => ({ intent: this.model.classes[c] as string, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, 3);
    const best = ranking[0] as { intent: string; probability: number };
    return { intent: best.intent, confidence: best.probability, ranking };
  }
}

function argmax(xs: Float64Array): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) > (xs[best] as number)) best = i;
  return best;
}

/**
 * Splits example indices per intent: whole groups (examples without a group are their own group) move to
 * `holdout` in a seeded random order until about `share` of that intent's examples are there, keeping at
 * least one group for fitting. Holding out whole templates makes the slice look like new customer phrasing,
 * so the fitted temperature is not tuned to memorised sentences.
 */
export function groupedSplit(examples: readonly LabelledExample[], share: number, seed: number): { fit: number[]; holdout: number[] } {
  const rng = mulberry32(seed);
  const byIntent = new Map<string, Map<string, number[]>>();
  examples.forEach((e, i) => {
    const groups = byIntent.get(e.intent) ?? new Map<string, number[]>();
    byIntent.set(e.intent, groups);
    const key = e.group ?? `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const fit: number[] = [];
  const holdout: number[] = [];
  for (const groups of byIntent.values()) {
    const list = [...groups.values()];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [list[i], list[j]] = [list[j] as number[], list[i] as number[]];
    }
    const total = list.reduce((n, g) => n + g.length, 0);
    let taken = 0;
    list.forEach((g, k) => {
      if (share > 0 && k < list.length - 1 && taken < total * share) {
        holdout.push(...g);
        taken += g.length;
      } else fit.push(...g);
    });
  }
  return { fit: fit.sort((a, b) => a - b), holdout: holdout.sort((a, b) => a - b) };
}
