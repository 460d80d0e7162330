/**
 * Text normalisation shared by training and prediction. Identifiers that carry no intent of their own
 * (order/invoice/tracking numbers, emails, amounts) become placeholder words, so "track NW-10482" and
 * "track 55512" look alike to the model; accents, case, apostrophes and punctuation go; a few text-speak
 * spellings are expanded.
 */
const TEXT_SPEAK: Record<string, string> = {
  u: 'you',
  ur: 'your',
  yr: 'your',
  r: 'are',
  pls: 'please',
  plz: 'please',
  thx: 'thanks',
  ty: 'thanks',
  acct: 'account',
  pw: 'password',
  pwd: 'password',
  cuz: 'because',
  bc: 'because',
  wanna: 'want to',
  gonna: 'going to',
};

const PLACEHOLDERS: readonly [RegExp, string][] = [
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' xemailx '],
  [/\binv[-\s]?\d{2,4}(?:-\d{1,8})?\b/gi, ' xinvoicex '],
  [/\b1z[0-9a-z]{16}\b/gi, ' xtrackingx '],
  [/\b\d{12,22}\b/g, ' xtrackingx '],
  [/(?:[$€£]\s?\d+(?:[.,]\d{1,2})?|\b\d+(?:[.,]\d{1,2})?\s?(?:usd|eur|gbp|dollars?|euros?)\b)/gi, ' xamountx '],
  [/(?:\bnw-?\d{4,8}\b|#\d{4,8}\b|\b\d{5,8}\b)/gi, ' xorderx '],
  [/\b\d+\b/g, ' xnumx '],
];

export function normalizeText(text: string): string {
  let out = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  for (const [pattern, placeholder] of PLACEHOLDERS) out = out.replace(pattern, placeholder);
  out = out.toLowerCase().replace(/['’`]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
  if (!out) return '';
  return out
    .split(' ')
    .map((w) => TEXT_SPEAK[w] ?? w)
    .join(' ');
}

export function tokenize(normalized: string): string[] {
  return normalized ? normalized.split(' ') : [];
}
