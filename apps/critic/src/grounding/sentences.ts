export interface Sentence {
  /** `[start, end)` offsets into the original text; `text` is that slice. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Citation markers the response generator writes, e.g. `[passage:art-01#p1]`; ignored by the grounding check. */
export const CITATION_MARKER = /\[(?:passage|source|doc|ref|cite):[^\]\n]{1,120}\]/g;

const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'etc', 'approx', 'no', 'nr', 'mr', 'mrs', 'ms', 'dr', 'st', 'vs', 'inc', 'ltd', 'co', 'ca', 'incl', 'excl', 'min', 'max', 'dept', 'tel', 'fig', 'vol', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun',
]);

function isAbbreviation(text: string, dotIndex: number): boolean {
  const word = /([A-Za-z.]+)$/.exec(text.slice(Math.max(0, dotIndex - 12), dotIndex))?.[1] ?? '';
  if (word.length === 0) return false;
  if (ABBREVIATIONS.has(word.toLowerCase())) return true;
  if (/^(?:[A-Za-z]\.)+[A-Za-z]$/.test(word)) return true; // U.S, e.g
  return /^[A-Z]$/.test(word); // initials: "J. Smith"
}

/**
 * Splits text into sentences with exact offsets. Boundaries: `.`, `!`, `?` (and runs of them) followed by
 * whitespace or the end, except after common abbreviations and initials; every line break. Citation markers
 * that open a sentence belong to the sentence before ("…days. [passage:a#p1] Next" → marker stays with "…days.").
 */
export function splitSentences(text: string): Sentence[] {
  const cuts: number[] = [0];
  const boundary = /[.!?]+["'”’)\]]*(?=\s|$)|\n+/g;
  for (const m of text.matchAll(boundary)) {
    if (m[0].startsWith('.') && m[0].length === 1 && isAbbreviation(text, m.index)) continue;
    cuts.push(m.index + m[0].length);
  }
  cuts.push(text.length);

  const raw: { start: number; end: number }[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    let start = cuts[i] ?? 0;
    let end = cuts[i + 1] ?? text.length;
    while (start < end && /\s/.test(text.charAt(start))) start++;
    while (end > start && /\s/.test(text.charAt(end - 1))) end--;
    if (end > start) raw.push({ start, end });
  }

  // Leading citation markers move to the previous sentence.
  const merged: { start: number; end: number }[] = [];
  for (const s of raw) {
    const lead = /^(?:\s*\[(?:passage|source|doc|ref|cite):[^\]\n]{1,120}\])+/.exec(text.slice(s.start, s.end));
    const prev = merged.at(-1);
    if (lead && prev && text.slice(prev.end, s.start).indexOf('\n') === -1) {
      prev.end = s.start + lead[0].length;
      let start = prev.end;
      while (start < s.end && /\s/.test(text.charAt(start))) start++;
      if (start < s.end) merged.push({ start, end: s.end });
    } else {
      merged.push({ ...s });
    }
  }
  return merged.map((s) => ({ ...s, text: text.slice(s.start, s.end) }));
}
