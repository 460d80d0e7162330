import { normalizeForMatching, toOriginalRange } from './normalize.js';

export interface UnsafeFinding {
  readonly type: 'unsafe';
  readonly rule: string;
  readonly start: number;
  readonly end: number;
}

/**
 * A deliberately small list of content a shop assistant must never send: instructions for violence or
 * weapons, self-harm encouragement, drug synthesis, hateful calls to harm, and executable markup.
 */
const UNSAFE_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'weapons', pattern: /\b(?:how to|steps to|instructions (?:for|to)|you can|here's how to|here is how to) (?:make|build|assemble|construct|create|3d[- ]print) (?:a |an )?(?:bomb|explosive|pipe bomb|molotov|grenade|gun|firearm|silencer|weapon)s?\b|\b(?:mix|combine) (?:bleach|ammonia|chlorine) (?:and|with) (?:ammonia|bleach|vinegar)\b/ },
  { name: 'violence', pattern: /\b(?:how to|you should|go ahead and|best way to) (?:kill|murder|poison|stab|shoot|strangle|hurt|attack|assault) (?:a |an |your |someone|somebody|people|him|her|them|the)\b/ },
  { name: 'self_harm', pattern: /\b(?:you should|go|just) (?:kill|hurt|harm|cut) yourself\b|\bkill yourself\b|\b(?:best|easiest|painless) way to (?:die|commit suicide|end (?:your|my) life)\b/ },
  { name: 'drugs', pattern: /\b(?:how to|steps to|recipe (?:for|to)) (?:make|cook|synthesi[sz]e|produce) (?:meth|methamphetamine|heroin|cocaine|fentanyl|lsd|mdma)\b/ },
  { name: 'hate', pattern: /\b(?:all|those) (?:[a-z]+ ){0,2}(?:should|must|deserve to) (?:die|be killed|be exterminated)\b/ },
  { name: 'executable_markup', pattern: /<\s*script\b|\bjavascript\s*:|\bon(?:error|load)\s*=/ },
];

/** Finds unsafe content in a drafted reply. */
export function findUnsafeContent(text: string): UnsafeFinding[] {
  const n = normalizeForMatching(text);
  const findings: UnsafeFinding[] = [];
  for (const { name, pattern } of UNSAFE_PATTERNS) {
    for (const m of n.text.matchAll(new RegExp(pattern.source, 'g'))) {
      findings.push({ type: 'unsafe', rule: name, ...toOriginalRange(n, m.index, m.index + m[0].length) });
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}
