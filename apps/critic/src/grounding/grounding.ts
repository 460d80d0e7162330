import { splitSentences, type Sentence } from './sentences.js';
import { claimNumbers, contentTokens, extractNumbers, stripNonClaims } from './tokens.js';

export interface GroundingPassage {
  readonly id?: string;
  readonly title?: string;
  readonly text: string;
}

export interface GroundingOptions {
  /** Share of a sentence's content words that one passage must contain (0..1, default 0.5). */
  readonly threshold?: number;
}

export interface SentenceGrounding extends Sentence {
  /** Makes a checkable claim (numbers, prices, time spans, policy words). */
  readonly factual: boolean;
  /** Supported by the passages (always true for non-factual sentences). */
  readonly supported: boolean;
  /** Best content-word overlap with one passage (0..1). */
  readonly overlap: number;
  /** Id of the best-overlapping passage, if any. */
  readonly passageId?: string;
  /** Claim numbers found in no passage. */
  readonly missingNumbers: readonly string[];
}

export interface GroundingResult {
  readonly sentences: readonly SentenceGrounding[];
  readonly ungrounded: readonly SentenceGrounding[];
  /** At least one factual sentence and none of them supported. */
  readonly nothingGrounded: boolean;
}

export const DEFAULT_GROUNDING_THRESHOLD = 0.5;

const CURRENCY = /[$€£¥]|\b(?:usd|eur|gbp|dollars?|euros?|pounds?|cents?)\b/i;
const TIME_SPAN = /\b(?:days?|weeks?|months?|years?|hours?|minutes?|business days?|working days?|overnight|same[- ]day|next[- ]day|weekends?|weekdays?|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)\b/i;
const POLICY =
  /\b(?:refunds?|refunded|returns?|returned|exchanges?|policy|policies|free|fees?|charges?|charged|costs?|prices?|priced|warranty|guarantee[sd]?|eligible|eligibility|within|deadline|must|required|requires?|only|never|always|cannot|can't|not allowed|prohibited|accept(?:s|ed)?|discounts?|percent|%)\b/i;

/** Whether a sentence states something checkable. Questions and pleasantries do not. */
export function isFactual(sentence: string): boolean {
  const text = stripNonClaims(sentence).trim();
  if (text.length === 0 || /\?\s*$/.test(text)) return false;
  return claimNumbers(text).length > 0 || CURRENCY.test(text) || TIME_SPAN.test(text) || POLICY.test(text);
}

/**
 * Checks every factual sentence of `text` against `passages`: supported when all its claim numbers appear in
 * the passages and one passage contains at least `threshold` of its content words. Citation markers, PII tokens
 * and customer identifiers (order/invoice/tracking numbers) are ignored.
 */
export function checkGrounding(text: string, passages: readonly GroundingPassage[], options: GroundingOptions = {}): GroundingResult {
  const threshold = options.threshold ?? DEFAULT_GROUNDING_THRESHOLD;
  const passageTokens = passages.map((p) => ({ id: p.id, tokens: contentTokens(`${p.title ?? ''}\n${p.text}`) }));
  const passageNumbers = new Set(passages.flatMap((p) => extractNumbers(`${p.title ?? ''}\n${p.text}`)));

  const sentences = splitSentences(text).map((s): SentenceGrounding => {
    if (!isFactual(s.text)) return { ...s, factual: false, supported: true, overlap: 1, missingNumbers: [] };
    const words = contentTokens(s.text, { dropIdentifiers: true });
    let overlap = words.size === 0 ? 1 : 0;
    let passageId: string | undefined;
    for (const p of passageTokens) {
      if (words.size === 0) break;
      let hits = 0;
      for (const w of words) if (p.tokens.has(w)) hits++;
      const score = hits / words.size;
      if (score > overlap) {
        overlap = score;
        passageId = p.id;
      }
    }
    const missingNumbers = [...new Set(claimNumbers(s.text))].filter((n) => !passageNumbers.has(n));
    const supported = missingNumbers.length === 0 && overlap >= threshold;
    return { ...s, factual: true, supported, overlap, missingNumbers, ...(passageId !== undefined ? { passageId } : {}) };
  });

  const factual = sentences.filter((s) => s.factual);
  const ungrounded = factual.filter((s) => !s.supported);
  return { sentences, ungrounded, nothingGrounded: factual.length > 0 && ungrounded.length === factual.length };
}
