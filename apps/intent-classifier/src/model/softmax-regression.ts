/**
 * Multinomial logistic regression (softmax) over sparse features, trained with AdaGrad SGD and L2
 * regularisation. Deterministic: the example order is shuffled with a seeded PRNG.
 */
import type { FeatureVector } from './features.js';

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty applied to the weights an example touches (lazy regularisation). */
  l2: number;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { epochs: 10, learningRate: 0.5, l2: 1e-5, seed: 7 };

export interface EncodedDataset {
  classes: readonly string[];
  vocabulary: ReadonlyMap<string, number>;
  examples: readonly SparseExample[];
}

export interface SparseExample {
  indices: Int32Array;
  values: Float64Array;
  label: number;
}

/** Gradients smaller than this are skipped: once an example is learnt most classes contribute nothing. */
const GRAD_EPSILON = 1e-4;

export class SoftmaxRegression {
  private constructor(
    readonly classes: readonly string[],
    private readonly vocabulary: ReadonlyMap<string, number>,
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
  ) {}

  /** Encodes feature vectors once (vocabulary + sparse arrays) so several fits can share the work. */
  static encode(vectors: readonly FeatureVector[], labels: readonly string[], classes: readonly string[]): EncodedDataset {
    if (vectors.length !== labels.length) throw new RangeError('vectors and labels differ in length');
    const classIndex = new Map(classes.map((c, i) => [c, i]));
    const vocabulary = new Map<string, number>();
    const examples: SparseExample[] = vectors.map((v, i) => {
      const label = classIndex.get(labels[i] as string);
      if (label === undefined) throw new RangeError(`unknown label ${labels[i]}`);
      const indices = new Int32Array(v.size);
      const values = new Float64Array(v.size);
      let k = 0;
      for (const [feature, value] of v) {
        let idx = vocabulary.get(feature);
        if (idx === undefined) {
          idx = vocabulary.size;
          vocabulary.set(feature, idx);
        }
        indices[k] = idx;
        values[k] = value;
        k++;
      }
      return { indices, values, label };
    });
    return { classes, vocabulary, examples };
  }

  static train(vectors: readonly FeatureVector[], labels: readonly string[], classes: readonly string[], opts: TrainOptions = DEFAULT_TRAIN_OPTIONS): SoftmaxRegression {
    return SoftmaxRegression.fit(SoftmaxRegression.encode(vectors, labels, classes), opts);
  }

  /** Trains on the encoded examples at `subset` (all when omitted). */
  static fit(data: EncodedDataset, opts: TrainOptions = DEFAULT_TRAIN_OPTIONS, subset?: readonly number[]): SoftmaxRegression {
    const { classes, vocabulary } = data;
    const examples = subset ? subset.map((i) => data.examples[i] as SparseExample) : data.examples;
    const C = classes.length;
    const weights = new Float64Array(vocabulary.size * C);
    const gradSq = new Float64Array(vocabulary.size * C);
    const bias = new Float64Array(C);
    const biasGradSq = new Float64Array(C);
    const probs = new Float64Array(C);
    const order = examples.map((_, i) => i);
    const rng = mulberry32(opts.seed);

    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      for (const n of order) {
        const ex = examples[n] as SparseExample;
        scores(ex.indices, ex.values, weights, bias, C, probs);
        softmaxInPlace(probs, 1);
        for (let c = 0; c < C; c++) {
          const g = (probs[c] as number) - (c === ex.label ? 1 : 0);
          if (Math.abs(g) < GRAD_EPSILON) continue;
          biasGradSq[c] = (biasGradSq[c] as number) + g * g;
          bias[c] = (bias[c] as number) - (opts.learningRate * g) / (Math.sqrt(biasGradSq[c] as number) + 1e-8);
          for (let k = 0; k < ex.indices.length; k++) {
            const w = (ex.indices[k] as number) * C + c;
            const grad = g * (ex.values[k] as number) + opts.l2 * (weights[w] as number);
            gradSq[w] = (gradSq[w] as number) + grad * grad;
            weights[w] = (weights[w] as number) - (opts.learningRate * grad) / (Math.sqrt(gradSq[w] as number) + 1e-8);
          }
        }
      }
    }
    return new SoftmaxRegression(classes, vocabulary, weights, bias);
  }

  /** Raw class scores (logits) for a feature vector; unknown features are ignored. */
  logits(v: FeatureVector): Float64Array {
    const C = this.classes.length;
    const out = new Float64Array(C);
    out.set(this.bias);
    for (const [feature, value] of v) {
      const idx = this.vocabulary.get(feature);
      if (idx === undefined) continue;
      const base = idx * C;
      for (let c = 0; c < C; c++) out[c] = (out[c] as number) + value * (this.weights[base + c] as number);
    }
    return out;
  }

  get featureCount(): number {
    return this.vocabulary.size;
  }
}

function scores(indices: Int32Array, values: Float64Array, weights: Float64Array, bias: Float64Array, C: number, out: Float64Array): void {
  out.set(bias);
  for (let k = 0; k < indices.length; k++) {
    const base = (indices[k] as number) * C;
    const v = values[k] as number;
    for (let c = 0; c < C; c++) out[c] = (out[c] as number) + v * (weights[base + c] as number);
  }
}

/** Softmax of `logits / temperature`, in place; returns the array. */
export function softmaxInPlace(logits: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (const z of logits) if (z > max) max = z;
  let sum = 0;
  for (let c = 0; c < logits.length; c++) {
    const e = Math.exp(((logits[c] as number) - max) / temperature);
    logits[c] = e;
    sum += e;
  }
  for (let c = 0; c < logits.length; c++) logits[c] = (logits[c] as number) / sum;
  return logits;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
