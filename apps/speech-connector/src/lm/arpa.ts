/**
 * A tiny n-gram language-model estimator with an ARPA writer: interpolated Witten–Bell smoothing, stored as a
 * back-off model (the form ARPA files and CMU Sphinx expect).
 *
 * For a history h seen c(h) times with T(h) distinct following words:
 *   P(w | h) = (c(h w) + T(h) · P(w | h')) / (c(h) + T(h))      for w seen after h (h' = h without its first word)
 *   P(w | h) = α(h) · P(w | h')                                    otherwise
 *   α(h)     = (1 − Σ_seen P(w | h)) / (1 − Σ_seen P(w | h'))
 * Unigrams interpolate with the uniform distribution over the vocabulary. `<s>` is never predicted
 * (log-prob −99) but carries a back-off weight; `</s>` is predicted like a word.
 */

export const BOS = '<s>';
export const EOS = '</s>';
const NEVER = -99;

export interface NgramModel {
  readonly order: number;
  /** `ngrams[n-1]`: the n-grams of order n, key = words joined by a space. */
  readonly ngrams: readonly ReadonlyMap<string, { readonly logProb: number; readonly logBackoff?: number }>[];
}

interface Counts {
  /** counts[n-1]: n-gram → count */
  readonly ngram: Map<string, number>[];
  /** followers[n-1]: history of n words → (next word → count) */
  readonly followers: Map<string, Map<string, number>>[];
}

function count(sentences: readonly (readonly string[])[], order: number): Counts {
  const ngram = Array.from({ length: order }, () => new Map<string, number>());
  const followers = Array.from({ length: order }, () => new Map<string, Map<string, number>>());
  for (const words of sentences) {
    const tokens = [BOS, ...words, EOS];
    for (let i = 1; i < tokens.length; i++) {
      for (let n = 1; n <= order; n++) {
        const start = i - n + 1;
        if (start < 0) break;
        const gram = tokens.slice(start, i + 1);
        const key = gram.join(' ');
        ngram[n - 1]?.set(key, (ngram[n - 1]?.get(key) ?? 0) + 1);
        if (n > 1) {
          const history = gram.slice(0, -1).join(' ');
          const table = followers[n - 2] as Map<string, Map<string, number>>;
          let next = table.get(history);
          if (!next) {
            next = new Map();
            table.set(history, next);
          }
          next.set(tokens[i] as string, (next.get(tokens[i] as string) ?? 0) + 1);
        }
      }
    }
  }
  return { ngram, followers };
}

/**
 * Estimates an interpolated Witten–Bell back-off model of `order` (1..5) from tokenised sentences
 * (no `<s>`/`</s>`; they are added).
 */
export function estimateModel(sentences: readonly (readonly string[])[], order = 3): NgramModel {
  if (!Number.isInteger(order) || order < 1 || order > 5) throw new RangeError('order must be 1..5');
  const nonEmpty = sentences.filter((s) => s.length > 0);
  if (nonEmpty.length === 0) throw new RangeError('the corpus has no words');
  const { ngram, followers } = count(nonEmpty, order);

  // Interpolated probabilities of seen n-grams, order by order.
  const prob: Map<string, number>[] = [];
  const unigrams = ngram[0] as Map<string, number>;
  const tokenTotal = [...unigrams.values()].reduce((a, b) => a + b, 0);
  const types = unigrams.size;
  const uniform = 1 / types;
  prob.push(new Map([...unigrams].map(([w, c]) => [w, (c + types * uniform) / (tokenTotal + types)])));

  const backoff = new Map<string, number>();
  /** P(w | context) of the model up to order `context.length + 1`, backing off as needed. */
  const lookup = (context: readonly string[], word: string): number => {
    for (let start = 0; start <= context.length; start++) {
      const gram = [...context.slice(start), word];
      const p = prob[gram.length - 1]?.get(gram.join(' '));
      if (p !== undefined) {
        let weight = 1;
        for (let s = 0; s < start; s++) weight *= backoff.get(context.slice(s).join(' ')) ?? 1;
        return weight * p;
      }
    }
    return 0;
  };

  for (let n = 2; n <= order; n++) {
    const table = new Map<string, number>();
    for (const [history, next] of followers[n - 2] as Map<string, Map<string, number>>) {
      const historyWords = history.split(' ');
      const lowerContext = historyWords.slice(1);
      const total = [...next.values()].reduce((a, b) => a + b, 0);
      const distinct = next.size;
      let seenMass = 0;
      let lowerMass = 0;
      for (const [word, c] of next) {
        const lower = lookup(lowerContext, word);
        const p = (c + distinct * lower) / (total + distinct);
        table.set(`${history} ${word}`, p);
        seenMass += p;
        lowerMass += lower;
      }
      const left = Math.max(1e-12, 1 - seenMass);
      const lowerLeft = Math.max(1e-12, 1 - lowerMass);
      backoff.set(history, left / lowerLeft);
    }
    prob.push(table);
  }

  const ngrams = prob.map((table, i) => {
    const n = i + 1;
    const out = new Map<string, { logProb: number; logBackoff?: number }>();
    if (n === 1) out.set(BOS, { logProb: NEVER, logBackoff: log10(backoff.get(BOS) ?? 1) });
    for (const [key, p] of table) {
      const b = n < order ? backoff.get(key) : undefined;
      out.set(key, b === undefined ? { logProb: log10(p) } : { logProb: log10(p), logBackoff: log10(b) });
    }
    return out;
  });
  return { order, ngrams };
}

function log10(x: number): number {
  return Math.log10(Math.max(x, 1e-99));
}

function fmt(x: number): string {
  return x.toFixed(6);
}

/** The model in ARPA text format (what `pocketsphinx -lm` and SRILM/KenLM tools read). */
export function toArpa(model: NgramModel): string {
  const lines = ['\\data\\'];
  model.ngrams.forEach((table, i) => lines.push(`ngram ${i + 1}=${table.size}`));
  model.ngrams.forEach((table, i) => {
    lines.push('', `\\${i + 1}-grams:`);
    const keys = [...table.keys()].sort();
    for (const key of keys) {
      const { logProb, logBackoff } = table.get(key) as { logProb: number; logBackoff?: number };
      lines.push(logBackoff === undefined ? `${fmt(logProb)}\t${key}` : `${fmt(logProb)}\t${key}\t${fmt(logBackoff)}`);
    }
  });
  lines.push('', '\\end\\', '');
  return lines.join('\n');
}

/**
 * P(word | context) under an ARPA-style back-off model (what a decoder computes): the longest stored n-gram,
 * times the back-off weights of the shortened histories. Returns a probability (not a log).
 */
export function probability(model: NgramModel, context: readonly string[], word: string): number {
  const ctx = context.slice(Math.max(0, context.length - (model.order - 1)));
  let logWeight = 0;
  for (let start = 0; start <= ctx.length; start++) {
    const history = ctx.slice(start);
    const entry = model.ngrams[history.length]?.get([...history, word].join(' '));
    if (entry !== undefined) return 10 ** (entry.logProb + logWeight);
    if (history.length > 0) logWeight += model.ngrams[history.length - 1]?.get(history.join(' '))?.logBackoff ?? 0;
  }
  return 0;
}

/** Perplexity of tokenised sentences (with `</s>`) under the model; for tests and the build report. */
export function perplexity(model: NgramModel, sentences: readonly (readonly string[])[]): number {
  let logSum = 0;
  let n = 0;
  for (const words of sentences) {
    const tokens = [BOS, ...words, EOS];
    for (let i = 1; i < tokens.length; i++) {
      const p = probability(model, tokens.slice(0, i), tokens[i] as string);
      logSum += Math.log10(Math.max(p, 1e-99));
      n++;
    }
  }
  return 10 ** (-logSum / Math.max(1, n));
}
