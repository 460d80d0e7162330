import { findCards, findEmails, findIbans, findPhones, findSsns } from './detectors.js';
import { PII_SPECIFICITY, type PiiSpan, type PiiType } from './types.js';

const ALL_TYPES: readonly PiiType[] = ['email', 'phone', 'payment_card', 'iban', 'ssn'];

const FINDERS: Readonly<Record<PiiType, (text: string) => PiiSpan[]>> = {
  email: findEmails,
  phone: findPhones,
  payment_card: findCards,
  iban: findIbans,
  ssn: findSsns,
};

export interface DetectPiiOptions {
  /** Restrict detection to these types (default: all). */
  readonly types?: readonly PiiType[];
}

/**
 * Keeps non-overlapping spans: the longest span wins; on equal length the more specific type
 * (checksum-verified before pattern-only) wins. Result is sorted by position.
 */
export function resolveOverlaps(spans: readonly PiiSpan[]): PiiSpan[] {
  const ranked = [...spans].sort(
    (a, b) => b.end - b.start - (a.end - a.start) || PII_SPECIFICITY[a.type] - PII_SPECIFICITY[b.type] || a.start - b.start,
  );
  const kept: PiiSpan[] = [];
  for (const span of ranked) {
    if (kept.every((k) => span.end <= k.start || span.start >= k.end)) kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Finds PII in `text`: e-mail, phone, payment card, IBAN and US SSN spans, overlaps resolved, sorted by start. */
export function detectPii(text: string, options: DetectPiiOptions = {}): PiiSpan[] {
  const types = options.types ?? ALL_TYPES;
  return resolveOverlaps(types.flatMap((type) => FINDERS[type](text)));
}
