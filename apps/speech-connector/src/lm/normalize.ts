const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/**
 * Spoken-form words of a sentence, as the recogniser writes them: lower case, digits spelled one by one
 * (order numbers are read digit by digit), `&` → `and`, punctuation dropped, apostrophes inside words kept
 * (`don't`, `i'm` are dictionary words). Used for the language-model corpus and for scoring (WER).
 */
export function normalizeWords(text: string): string[] {
  const spaced = text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/&/g, ' and ')
    .replace(/[0-9]/g, (d) => ` ${DIGITS[Number(d)]} `)
    .replace(/[^a-z' ]+/g, ' ');
  return spaced
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);
}

/** `normalizeWords` joined with single spaces. */
export function normalizeText(text: string): string {
  return normalizeWords(text).join(' ');
}
