import { CITATION_MARKER } from './sentences.js';

const STOPWORDS = new Set(
  `a about above after again against all am an and any are aren't as at be because been before being below between both but by can can't
cannot could couldn't did didn't do does doesn't doing don't down during each few for from further had hadn't has hasn't have haven't having he
her here hers herself him himself his how i i'm i'd i'll i've if in into is isn't it it's its itself just let's me more most my myself no nor not
now of off on once only or other ought our ours ourselves out over own same she should shouldn't so some such than that that's the their theirs
them themselves then there there's these they they're this those through to too under until up very was wasn't we we're we'll we've were weren't
what when where which while who whom why will with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves also
please thanks thank hi hello happy glad sorry help able sure certainly course kind regards let know like may might need get got us dear
yes okay ok great`.split(/\s+/),
);

const NUMBER_WORDS: Readonly<Record<string, string>> = {
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', fourteen: '14', fifteen: '15', twenty: '20', thirty: '30', forty: '40', fifty: '50',
  sixty: '60', ninety: '90', hundred: '100',
};
const NUMBER_WORD_BEFORE_UNIT = new RegExp(
  `\\b(${Object.keys(NUMBER_WORDS).join('|')})(?=[ -](?:full |business |working |calendar )?(?:days?|weeks?|months?|years?|hours?|minutes?|percent|euros?|dollars?|pounds?|items?)\\b)`,
  'gi',
);

/** PII tokens, `[redacted]` and citation markers carry no claim. */
const NEUTRAL = /\[(?:EMAIL|PHONE|CARD|IBAN|SSN)_\d{1,6}\]|\[redacted\]/g;

/** Order, invoice, tracking and ticket identifiers come from the customer, not from the help center. */
const IDENTIFIER =
  /\b(?:order|invoice|tracking|ticket|case|reference|ref|parcel|shipment|return|rma)(?:\s*(?:no\.?|number|num|id|#))?\s*[:#]?\s*#?[A-Za-z0-9-]*\d[A-Za-z0-9-]*|#\s?\d+|\b[A-Za-z]{1,5}-\d[\dA-Za-z-]*|\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{8,}\b|\b\d{5,}\b/gi;

/** Removes citation markers and neutral placeholders (same length is not kept; use only for scoring). */
export function stripNonClaims(text: string): string {
  return text.replace(CITATION_MARKER, ' ').replace(NEUTRAL, ' ');
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('es') && /(?:ss|sh|ch|x|z)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Normalised numbers: thousands separators dropped, decimal comma → point, number words before units → digits. */
export function extractNumbers(text: string): string[] {
  const withDigits = stripNonClaims(text).replace(NUMBER_WORD_BEFORE_UNIT, (w) => NUMBER_WORDS[w.toLowerCase()] ?? w);
  const out: string[] = [];
  for (const m of withDigits.matchAll(/\d+(?:[.,]\d+)*/g)) {
    let n = m[0];
    if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(n)) n = n.replace(/,/g, '');
    else if (/^\d+,\d{1,2}$/.test(n)) n = n.replace(',', '.');
    n = n.replace(/\.0+$/, '').replace(/^0+(?=\d)/, '');
    out.push(n);
  }
  return out;
}

/** Numbers that make a claim (identifiers like "order 12345" or "NW-10482" removed). */
export function claimNumbers(text: string): string[] {
  return extractNumbers(stripNonClaims(text).replace(IDENTIFIER, ' '));
}

/** Content words (lower-cased, stop words removed, lightly stemmed) and numbers. */
export function contentTokens(text: string, options: { dropIdentifiers?: boolean } = {}): Set<string> {
  let clean = stripNonClaims(text);
  if (options.dropIdentifiers) clean = clean.replace(IDENTIFIER, ' ');
  const tokens = new Set<string>(extractNumbers(clean));
  for (const m of clean.toLowerCase().matchAll(/[\p{L}][\p{L}'’-]*/gu)) {
    const word = m[0].replace(/[’]/g, "'").replace(/^-+|-+$/g, '');
    if (word.length < 2 || STOPWORDS.has(word)) continue;
    tokens.add(stem(word.replace(/'s$/, '')));
  }
  return tokens;
}
