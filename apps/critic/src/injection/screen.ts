import { findEncodedText } from './encoded.js';
import { normalizeForMatching, toOriginalRange, type NormalizedText } from './normalize.js';
import { ABUSE_PATTERNS, INJECTION_PATTERNS, type ScreenFindingType, type ScreenPattern } from './patterns.js';

export interface ScreenFinding {
  readonly type: ScreenFindingType;
  /** Which rule fired (stable, safe to log). */
  readonly rule: string;
  /** `[start, end)` offsets into the screened text. */
  readonly start: number;
  readonly end: number;
}

export interface ScreenOptions {
  /** Also flag abusive language (default true). */
  readonly abuse?: boolean;
  /** Extra patterns (for configuration or tests). */
  readonly extraPatterns?: readonly ScreenPattern[];
}

function run(patterns: readonly ScreenPattern[], plain: NormalizedText, leet: NormalizedText): ScreenFinding[] {
  const findings: ScreenFinding[] = [];
  for (const p of patterns) {
    const sources = p.leet && leet.text !== plain.text ? [plain, leet] : [plain];
    for (const source of sources) {
      const re = new RegExp(p.pattern.source, p.pattern.flags.includes('g') ? p.pattern.flags : `${p.pattern.flags}g`);
      for (const m of source.text.matchAll(re)) {
        const range = toOriginalRange(source, m.index, m.index + m[0].length);
        findings.push({ type: p.type, rule: p.name, ...range });
      }
    }
  }
  return findings;
}

function dedupe(findings: readonly ScreenFinding[]): ScreenFinding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: ScreenFinding[] = [];
  for (const f of sorted) {
    if (!kept.some((k) => k.type === f.type && f.start < k.end && f.end > k.start)) kept.push(f);
  }
  return kept;
}

/**
 * Screens customer input for prompt injection (instruction overrides, jailbreak personas, system-prompt
 * probing, chat markup, script/HTML injection, base64-encoded instructions) and abusive language.
 */
export function screenInput(text: string, options: ScreenOptions = {}): ScreenFinding[] {
  const plain = normalizeForMatching(text);
  const leet = normalizeForMatching(text, { leet: true });
  const patterns = [
    ...INJECTION_PATTERNS,
    ...(options.abuse === false ? [] : ABUSE_PATTERNS),
    ...(options.extraPatterns ?? []),
  ];
  const findings = run(patterns, plain, leet);
  for (const blob of findEncodedText(text)) {
    findings.push({ type: 'prompt_injection', rule: 'encoded_instructions', start: blob.start, end: blob.end });
  }
  return dedupe(findings);
}
