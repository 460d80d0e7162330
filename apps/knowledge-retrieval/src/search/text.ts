/** Query and document term processing shared by the BM25 index: stop words out, light suffix stemming. */
const STOP_WORDS = new Set(
  (
    'a about am an and any are as at be been but by can could did do does for from had has have hi hello hey how i if im in ' +
    'into is it its me my of on or our please pls so that the their them then there these they this to too us was we were ' +
    'what when where which who why will with would you your yours just want wanna like need get got thanks thank ok'
  ).split(' '),
);

/** Strips common English inflections so "cancelled", "cancelling" and "cancel" meet ("refunds" → "refund"). */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1);
  // cancell → cancel, shipp → ship
  if (w.length > 3 && w.at(-1) === w.at(-2) && !/[aeiousl]/.test(w.at(-1) ?? '')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('ll')) w = w.slice(0, -1);
  // charge/charged → charg, decline/declined → declin
  if (w.length > 4 && w.endsWith('e') && !w.endsWith('ee')) w = w.slice(0, -1);
  return w;
}

/** Pieces of identifiers (order NW-10482, invoice INV-2024-0042): they say nothing about the topic. */
const IDENTIFIER = /^(?:\d{4,}|nw|inv)$/;

/** minisearch `processTerm`: lower-case, fold accents, drop stop words and identifier pieces, stem. */
export function processTerm(term: string): string | null {
  const t = term
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '');
  if (!t || STOP_WORDS.has(t) || IDENTIFIER.test(t)) return null;
  return stem(t);
}
