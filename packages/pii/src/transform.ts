import type { PiiSpan, PiiType } from './types.js';

/** Token label per PII type: `[EMAIL_1]`, `[PHONE_2]`, `[CARD_1]`, `[IBAN_1]`, `[SSN_1]`. */
export const TOKEN_LABELS: Readonly<Record<PiiType, string>> = {
  email: 'EMAIL',
  phone: 'PHONE',
  payment_card: 'CARD',
  iban: 'IBAN',
  ssn: 'SSN',
};

/** Matches any token this module produces. Global flag: use with `match`, `matchAll` or `replace`, not `test`/`exec`. */
export const TOKEN_PATTERN = /\[(?:EMAIL|PHONE|CARD|IBAN|SSN)_\d{1,6}\]/g;

export const REDACTED = '[redacted]';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

/** Applies non-overlapping edits (an edit overlapping an earlier-starting, longer one is dropped). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) continue;
    out += text.slice(cursor, edit.start) + edit.replacement;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}

/** Replaces every span by `replacement` (default `[redacted]`). */
export function redactSpans(text: string, spans: readonly PiiSpan[], replacement = REDACTED): string {
  return applyEdits(
    text,
    spans.map((s) => ({ start: s.start, end: s.end, replacement })),
  );
}

/** Canonical form of a PII value, so "+44 20 7946 0958" and "+442079460958" share one token. */
export function canonicalPii(type: PiiType, value: string): string {
  switch (type) {
    case 'email':
      return value.toLowerCase();
    case 'iban':
      return value.replace(/\s/g, '').toUpperCase();
    case 'phone':
      return (value.trim().startsWith('+') ? '+' : '') + value.replace(/\D/g, '');
    case 'payment_card':
    case 'ssn':
      return value.replace(/\D/g, '');
  }
}

/** Something that hands out a token for a PII value (reusing the token of a value seen before). */
export type TokenAssigner = (type: PiiType, value: string) => string;

/**
 * A synchronous in-memory token assigner with its mapping; the same canonical value gets the same token.
 * `seed` continues numbering from an existing mapping (token → raw value).
 */
export function createTokenAssigner(seed: Readonly<Record<string, string>> = {}): {
  assign: TokenAssigner;
  mapping: () => Record<string, string>;
} {
  const mapping: Record<string, string> = { ...seed };
  const byValue = new Map<string, string>();
  const counters = new Map<string, number>();
  for (const [token, value] of Object.entries(mapping)) {
    const m = /^\[([A-Z]+)_(\d+)\]$/.exec(token);
    if (!m) continue;
    const label = m[1] ?? '';
    counters.set(label, Math.max(counters.get(label) ?? 0, Number(m[2])));
    const type = (Object.keys(TOKEN_LABELS) as PiiType[]).find((t) => TOKEN_LABELS[t] === label);
    if (type) byValue.set(`${type}:${canonicalPii(type, value)}`, token);
  }
  const assign: TokenAssigner = (type, value) => {
    const key = `${type}:${canonicalPii(type, value)}`;
    const existing = byValue.get(key);
    if (existing) return existing;
    const label = TOKEN_LABELS[type];
    const n = (counters.get(label) ?? 0) + 1;
    counters.set(label, n);
    const token = `[${label}_${n}]`;
    mapping[token] = value;
    byValue.set(key, token);
    return token;
  };
  return { assign, mapping: () => ({ ...mapping }) };
}

/** Replaces every span by the token `assign` hands out for its value. */
export function tokenizeSpans(text: string, spans: readonly PiiSpan[], assign: TokenAssigner): string {
  return applyEdits(
    text,
    spans.map((s) => ({ start: s.start, end: s.end, replacement: assign(s.type, text.slice(s.start, s.end)) })),
  );
}

/** Puts raw values back for every known token; unknown tokens are left as they are. */
export function detokenizeText(text: string, mapping: Readonly<Record<string, string>>): string {
  return text.replace(TOKEN_PATTERN, (token) => (Object.hasOwn(mapping, token) ? (mapping[token] ?? token) : token));
}
