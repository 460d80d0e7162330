import { ibanValid, IBAN_LENGTHS, luhnValid, ssnValid } from './checksums.js';
import { hasIdContext, hasPhoneContext, hasSsnContext } from './context.js';
import type { PiiSpan } from './types.js';

const EMAIL =
  /(?<![\w.+%-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;

/** E-mail addresses (ASCII local part and domain with a TLD). */
export function findEmails(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(EMAIL)) {
    if (m[0].includes('..')) continue;
    spans.push({ type: 'email', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------- cards

const CARD =
  /(?<![\w.,#/-])(?:\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{3})?|\d{4}([ -])\d{6}\2\d{4,5}|\d{13,19})(?![\w-]|[.,/]\d)/g;

/** Issuer prefixes of the card networks in use (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
function plausibleCardPrefix(digits: string): boolean {
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if (digits.startsWith('4')) return true; // Visa
  if (two >= 51 && two <= 55) return true; // Mastercard
  if (four >= 2221 && four <= 2720) return true; // Mastercard 2-series
  if (two === 34 || two === 37) return digits.length === 15; // Amex
  if (two === 30 || two === 36 || two === 38 || two === 39) return true; // Diners
  if (two === 35) return true; // JCB
  if (two === 50 || (two >= 56 && two <= 69)) return true; // Maestro, Discover, UnionPay, RuPay
  return false;
}

/** Payment card numbers: 13–19 digits (optionally grouped by spaces or dashes), issuer prefix and Luhn checked. */
export function findCards(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 13 || digits.length > 19) continue;
    // Checksum and issuer prefix outrank context: a Luhn-valid number is tokenised even after "order"
    // (tokens are reversible, so a mislabelled order number still reaches the customer unchanged).
    if (!plausibleCardPrefix(digits) || !luhnValid(digits)) continue;
    spans.push({ type: 'payment_card', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------- IBAN

const IBAN_CANDIDATE = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \u00A0]?[A-Za-z0-9]){10,30}/g;

/** IBANs with or without the customary spaces every four characters; registry length and mod-97 verified. */
export function findIbans(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const re = new RegExp(IBAN_CANDIDATE.source, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index;
    const expected = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
    let end = -1;
    if (expected !== undefined) {
      let count = 0;
      for (let i = start; i < start + m[0].length; i++) {
        if (/[A-Za-z0-9]/.test(text.charAt(i)) && ++count === expected) {
          end = i + 1;
          break;
        }
      }
    }
    const compact = end > 0 ? text.slice(start, end).replace(/[ \u00A0]/g, '').toUpperCase() : '';
    if (end > 0 && !/[A-Za-z0-9]/.test(text.charAt(end)) && ibanValid(compact)) {
      spans.push({ type: 'iban', start, end });
      re.lastIndex = end;
    } else {
      re.lastIndex = start + 1;
    }
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------- SSN

const SSN = /(?<![\w.,#/-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\w-]|[.,/]\d)/g;

/**
 * US social security numbers `AAA-GG-SSSS` (area not 000/666/9xx, group not 00, serial not 0000).
 * The space-separated or unseparated forms count only after an explicit cue ("SSN", "social security").
 */
export function findSsns(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(SSN)) {
    const [, area = '', sep = '', group = '', serial = ''] = m;
    if (!ssnValid(area, group, serial)) continue;
    if (sep !== '-' && !hasSsnContext(text, m.index)) continue;
    if (hasIdContext(text, m.index)) continue;
    spans.push({ type: 'ssn', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------- phone

const SP = '[ \\u00A0]';
const GROUP = '(?:\\(\\d{1,5}\\)|\\d{1,15})';
const SEP = `(?:${SP}?[./-]${SP}?|${SP}|(?<=\\))|(?=\\())`;
const PHONE_CANDIDATE = new RegExp(
  `(?<![\\w#$€£¥@+/.,-])(?:\\+${SP}?)?${GROUP}(?:${SEP}${GROUP}){0,7}(?![\\w@]|[.,/-]\\d)`,
  'g',
);

const DATE_LIKE = /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/;
const IPV4_LIKE = /^\d{1,3}(?:\.\d{1,3}){3}$/;

interface Group {
  readonly digits: string;
  readonly paren: boolean;
}

function groupsOf(raw: string): Group[] {
  return [...raw.matchAll(/\(?(\d+)\)?/g)].map((g) => ({ digits: g[1] ?? '', paren: g[0].startsWith('(') }));
}

function isPhoneShape(text: string, start: number, raw: string): boolean {
  if (DATE_LIKE.test(raw) || IPV4_LIKE.test(raw)) return false;
  const groups = groupsOf(raw);
  const sizes = groups.map((g) => g.digits.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const first = groups[0]?.digits ?? '';

  if (raw.startsWith('+')) {
    if (groups.length === 1) return total >= 8 && total <= 15;
    return total >= 7 && total <= 15 && first.length <= 3;
  }
  if (first.startsWith('00') && first.length <= 5 && first.length >= 3) {
    // International call prefix 00 + country code ("0049 30 1234567").
    const national = total - 2;
    return groups.length >= 2 && national >= 7 && national <= 15;
  }
  if (hasIdContext(text, start)) return false;
  if (groups.length === 1) return hasPhoneContext(text, start) && total >= 7 && total <= 12;
  if (total < 7 || total > 15) return false;

  // North American numbering: (415) 555-0132, 415-555-0132, 1-800-555-0199.
  const nanp = sizes.join(',');
  if (nanp === '3,3,4' || (nanp === '1,3,3,4' && first === '1')) return true;
  // National format with trunk prefix 0: 030 1234567, 020 7946 0958, 01 23 45 67 89, (089) 12345678.
  if (/^0[1-9]\d{0,4}$/.test(first) && total >= 9 && total <= 12 && sizes.slice(1).every((s) => s >= 2)) return true;
  // Any other grouping only when the customer says it is a phone number.
  return hasPhoneContext(text, start);
}

/** Phone numbers in international (E.164, 00-prefix) and common national formats; needs ≥ 7 digits and phone-like grouping. */
export function findPhones(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(PHONE_CANDIDATE)) {
    if (m[0].replace(/\D/g, '').length < 7) continue;
    const span = bestPhoneSpan(text, m.index, m[0]);
    if (span) spans.push({ type: 'phone', ...span });
  }
  return spans;
}

/**
 * A candidate run may have swallowed a neighbouring number ("qty 3 415-555-0132", "…0958 2 times"):
 * try the whole run, then without the first group, then shorter prefixes (longest first).
 */
function bestPhoneSpan(text: string, start: number, raw: string): { start: number; end: number } | undefined {
  const ends = [raw.length, ...[...raw.matchAll(/\d(?=[ \u00A0./-])/g)].map((b) => b.index + 1).reverse().slice(0, 4)];
  const firstGap = /^\d{1,2}[ \u00A0]+(?=[\d(+])/.exec(raw);
  const starts = firstGap ? [0, firstGap[0].length] : [0];
  for (const end of ends) {
    for (const s of starts) {
      if (end <= s) continue;
      const piece = raw.slice(s, end);
      if (piece.replace(/\D/g, '').length < 7) continue;
      if (isPhoneShape(text, start + s, piece)) return { start: start + s, end: start + end };
    }
  }
  return undefined;
}
