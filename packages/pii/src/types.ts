/** PII categories the critic recognises (same names as the contracts' finding types). */
export type PiiType = 'email' | 'phone' | 'payment_card' | 'iban' | 'ssn';

/** A PII occurrence: half-open `[start, end)` offsets into the scanned text (UTF-16 code units). */
export interface PiiSpan {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
}

/** Ranking used when spans overlap and have the same length: lower wins. */
export const PII_SPECIFICITY: Readonly<Record<PiiType, number>> = {
  iban: 0,
  payment_card: 1,
  email: 2,
  ssn: 3,
  phone: 4,
};
