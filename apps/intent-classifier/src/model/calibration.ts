/**
 * Temperature scaling (Guo et al., 2017): one scalar T that divides the logits before the softmax, chosen to
 * minimise the negative log-likelihood on examples the model did not train on. It keeps the ranking (and so
 * accuracy) and makes "confidence 0.4" mean roughly "right 40 % of the time".
 */
import { softmaxInPlace } from './softmax-regression.js';

export function negativeLogLikelihood(logits: readonly Float64Array[], labels: readonly number[], temperature: number): number {
  let total = 0;
  logits.forEach((z, i) => {
    const p = softmaxInPlace(Float64Array.from(z), temperature);
    total -= Math.log(Math.max(p[labels[i] as number] as number, 1e-12));
  });
  return total / Math.max(1, logits.length);
}

/** Golden-section search for the temperature in [min, max] (on a log scale) that minimises the NLL. */
export function fitTemperature(logits: readonly Float64Array[], labels: readonly number[], min = 0.05, max = 20): number {
  if (logits.length === 0) return 1;
  const f = (logT: number): number => negativeLogLikelihood(logits, labels, Math.exp(logT));
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(min);
  let b = Math.log(max);
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 60 && b - a > 1e-4; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/** Expected calibration error over equal-width confidence bins (0 = perfectly calibrated). */
export function expectedCalibrationError(predictions: readonly { confidence: number; correct: boolean }[], bins = 10): number {
  if (predictions.length === 0) return 0;
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const acc = new Array<number>(bins).fill(0);
  for (const p of predictions) {
    const b = Math.min(bins - 1, Math.floor(p.confidence * bins));
    count[b] = (count[b] as number) + 1;
    conf[b] = (conf[b] as number) + p.confidence;
    acc[b] = (acc[b] as number) + (p.correct ? 1 : 0);
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const n = count[b] as number;
    if (n > 0) ece += (n / predictions.length) * Math.abs((acc[b] as number) / n - (conf[b] as number) / n);
  }
  return ece;
}
