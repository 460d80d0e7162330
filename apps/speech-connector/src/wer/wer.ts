/** Word-level alignment counts between a reference and a hypothesis. */
export interface WordErrors {
  readonly substitutions: number;
  readonly deletions: number;
  readonly insertions: number;
  /** Words in the reference (N). */
  readonly referenceWords: number;
}

/**
 * Minimum edit distance alignment (Levenshtein over words) with the cheapest S/D/I breakdown:
 * WER = (S + D + I) / N. O(|ref|·|hyp|) time, O(|hyp|) memory per row.
 */
export function wordErrors(reference: readonly string[], hypothesis: readonly string[]): WordErrors {
  type Cell = { cost: number; s: number; d: number; i: number };
  let prev: Cell[] = Array.from({ length: hypothesis.length + 1 }, (_, j) => ({ cost: j, s: 0, d: 0, i: j }));
  for (let r = 1; r <= reference.length; r++) {
    const row: Cell[] = [{ cost: r, s: 0, d: r, i: 0 }];
    for (let h = 1; h <= hypothesis.length; h++) {
      const diag = prev[h - 1] as Cell;
      const up = prev[h] as Cell;
      const left = row[h - 1] as Cell;
      const same = reference[r - 1] === hypothesis[h - 1];
      const options: Cell[] = [
        { cost: diag.cost + (same ? 0 : 1), s: diag.s + (same ? 0 : 1), d: diag.d, i: diag.i },
        { cost: up.cost + 1, s: up.s, d: up.d + 1, i: up.i },
        { cost: left.cost + 1, s: left.s, d: left.d, i: left.i + 1 },
      ];
      row.push(options.reduce((best, c) => (c.cost < best.cost ? c : best)));
    }
    prev = row;
  }
  const last = prev[hypothesis.length] as Cell;
  return { substitutions: last.s, deletions: last.d, insertions: last.i, referenceWords: reference.length };
}

/** (S + D + I) / N; 0 for an empty reference with an empty hypothesis, 1 per inserted word otherwise. */
export function wordErrorRate(e: WordErrors): number {
  const errors = e.substitutions + e.deletions + e.insertions;
  if (e.referenceWords === 0) return errors;
  return errors / e.referenceWords;
}

/** Sums the counts of several utterances (corpus-level WER weights sentences by their length). */
export function sumErrors(all: readonly WordErrors[]): WordErrors {
  return all.reduce(
    (acc, e) => ({
      substitutions: acc.substitutions + e.substitutions,
      deletions: acc.deletions + e.deletions,
      insertions: acc.insertions + e.insertions,
      referenceWords: acc.referenceWords + e.referenceWords,
    }),
    { substitutions: 0, deletions: 0, insertions: 0, referenceWords: 0 },
  );
}
