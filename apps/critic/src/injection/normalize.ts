/** Text prepared for pattern matching, with a map back to offsets in the original text. */
export interface NormalizedText {
  /** Lower-cased, zero-width characters removed, whitespace runs collapsed to one space. */
  readonly text: string;
  /** `map[i]` is the offset in the original text of `text[i]`; `map[text.length]` is the original length. */
  readonly map: readonly number[];
}

const ZERO_WIDTH = /[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD]/;
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };

/**
 * Normalises `input` char by char so a match in the normalised text maps back to exact original offsets.
 * With `leet`, common digit/symbol substitutions inside words are undone ("1gn0re" → "ignore").
 */
export function normalizeForMatching(input: string, options: { leet?: boolean } = {}): NormalizedText {
  let text = '';
  const map: number[] = [];
  let lastWasSpace = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input.charAt(i);
    if (ZERO_WIDTH.test(ch)) continue;
    if (/\s/.test(ch)) {
      if (lastWasSpace || text.length === 0) continue;
      text += ' ';
      map.push(i);
      lastWasSpace = true;
      continue;
    }
    lastWasSpace = false;
    let out = ch.normalize('NFKC').toLowerCase();
    if (out.length !== 1) out = ch.toLowerCase().length === 1 ? ch.toLowerCase() : ch;
    if (options.leet && LEET[out] !== undefined && isInsideWord(input, i)) out = LEET[out] ?? out;
    text += out;
    map.push(i);
  }
  map.push(input.length);
  return { text, map };
}

function isInsideWord(input: string, i: number): boolean {
  return /\p{L}/u.test(input.charAt(i - 1)) || /\p{L}/u.test(input.charAt(i + 1));
}

/** Maps a `[start, end)` range of the normalised text back to the original text. */
export function toOriginalRange(n: NormalizedText, start: number, end: number): { start: number; end: number } {
  const last = n.map[Math.max(start, end - 1)] ?? 0;
  return { start: n.map[start] ?? 0, end: end > start ? last + 1 : last };
}
