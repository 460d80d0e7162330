import { checkGrounding, type GroundingPassage } from '../grounding/index.js';
import { findUnsafeContent, screenInput } from '../injection/index.js';
import { applyEdits, canonicalPii, createTokenAssigner, detectPii, REDACTED, tokenizeSpans, type TextEdit } from '@supportmesh/pii';
import type { TokenVault } from '../vault/index.js';
import { ABUSE_REPLY, INJECTION_REPLY, UNGROUNDED_FALLBACK, UNSAFE_FALLBACK } from './messages.js';

export type FindingType =
  | 'email'
  | 'phone'
  | 'payment_card'
  | 'iban'
  | 'ssn'
  | 'prompt_injection'
  | 'abuse'
  | 'unsafe'
  | 'ungrounded';

export interface Finding {
  readonly type: FindingType;
  readonly start: number;
  readonly end: number;
}

export type Verdict = 'allow' | 'redact' | 'block';

export interface ReviewInput {
  readonly text: string;
  readonly direction: 'input' | 'output';
  readonly passages?: readonly GroundingPassage[];
  readonly conversationId?: string;
}

export interface ReviewOutcome {
  readonly verdict: Verdict;
  /** The final safe text: tokenised input, or the redacted / replaced reply. */
  readonly text: string;
  /** Offsets refer to the text that was reviewed. */
  readonly findings: readonly Finding[];
  /** Message for the customer when the verdict is `block` (and when a reply was replaced wholesale). */
  readonly reply?: string;
  /** Names of the rules that fired (safe to log and count; never contains text). */
  readonly rules: readonly string[];
}

export interface ReviewDeps {
  readonly vault: TokenVault;
  /**
   * Called when the vault fails (e.g. Redis down). The message is then tokenised without storing the mapping
   * (the LLM still never sees raw PII; the gateway cannot put the values back). Without it the error propagates.
   */
  readonly onVaultError?: (err: unknown) => void;
  /** Grounding overlap threshold (0..1). */
  readonly groundingThreshold?: number;
}

function byStart(a: Finding, b: Finding): number {
  return a.start - b.start || a.end - b.end;
}

/**
 * Input: prompt injection / abuse → `block` with a polite reply; PII → reversible tokens (`redact`), kept in the
 * vault under the conversation (or a per-request map without one). A blocked message is tokenised too, but its
 * tokens are not stored.
 */
export async function reviewInput(input: ReviewInput, deps: ReviewDeps): Promise<ReviewOutcome> {
  const screen = screenInput(input.text);
  const pii = detectPii(input.text);
  const findings: Finding[] = [...screen, ...pii].map(({ type, start, end }) => ({ type, start, end })).sort(byStart);
  const rules = [...screen.map((f) => f.rule), ...pii.map((p) => `pii_${p.type}`)];

  if (screen.length > 0) {
    const text = tokenizeSpans(input.text, pii, createTokenAssigner().assign);
    const injection = screen.some((f) => f.type === 'prompt_injection');
    return { verdict: 'block', text, findings, reply: injection ? INJECTION_REPLY : ABUSE_REPLY, rules };
  }
  if (pii.length === 0) return { verdict: 'allow', text: input.text, findings, rules };

  const ephemeral = (): string => tokenizeSpans(input.text, pii, createTokenAssigner().assign);
  if (input.conversationId === undefined) return { verdict: 'redact', text: ephemeral(), findings, rules };
  try {
    const text = await deps.vault.tokenize(input.conversationId, input.text, pii);
    return { verdict: 'redact', text, findings, rules };
  } catch (err) {
    if (!deps.onVaultError) throw err;
    deps.onVaultError(err);
    return { verdict: 'redact', text: ephemeral(), findings, rules: [...rules, 'vault_unavailable'] };
  }
}

/**
 * Output: unsafe content → `block` with a safe fallback; PII not present in the passages → `[redacted]`;
 * factual sentences the passages do not support → removed, or the whole reply replaced by a safe fallback
 * when no grounded claim remains. Without `passages` the grounding check is skipped; with an empty list
 * every factual sentence counts as ungrounded.
 */
export function reviewOutput(input: ReviewInput, deps: Pick<ReviewDeps, 'groundingThreshold'> = {}): ReviewOutcome {
  const unsafe = findUnsafeContent(input.text);
  if (unsafe.length > 0) {
    return {
      verdict: 'block',
      text: UNSAFE_FALLBACK,
      reply: UNSAFE_FALLBACK,
      findings: unsafe.map(({ type, start, end }) => ({ type, start, end })),
      rules: unsafe.map((f) => f.rule),
    };
  }

  // The help center's own contact details (support e-mail, hotline) are not a leak.
  const published = new Set(
    (input.passages ?? []).flatMap((p) => detectPii(`${p.title ?? ''}\n${p.text}`).map((s) => `${s.type}:${canonicalPii(s.type, `${p.title ?? ''}\n${p.text}`.slice(s.start, s.end))}`)),
  );
  const pii = detectPii(input.text).filter((s) => !published.has(`${s.type}:${canonicalPii(s.type, input.text.slice(s.start, s.end))}`));
  // Grounding runs on the text with PII masked by "_" (same length, so offsets hold): a leaked phone number is a
  // PII finding, not an unsupported claim.
  const masked = applyEdits(
    input.text,
    pii.map((s) => ({ start: s.start, end: s.end, replacement: '_'.repeat(s.end - s.start) })),
  );
  const grounding =
    input.passages === undefined
      ? undefined
      : checkGrounding(masked, input.passages, deps.groundingThreshold === undefined ? {} : { threshold: deps.groundingThreshold });
  const ungrounded = grounding?.ungrounded ?? [];

  const findings: Finding[] = [
    ...pii.map(({ type, start, end }) => ({ type, start, end })),
    ...ungrounded.map(({ start, end }) => ({ type: 'ungrounded' as const, start, end })),
  ].sort(byStart);
  const rules = [...pii.map((p) => `pii_${p.type}`), ...ungrounded.map(() => 'ungrounded_sentence')];

  if (findings.length === 0) return { verdict: 'allow', text: input.text, findings, rules };
  if (grounding?.nothingGrounded) {
    return { verdict: 'redact', text: UNGROUNDED_FALLBACK, reply: UNGROUNDED_FALLBACK, findings, rules: [...rules, 'ungrounded_fallback'] };
  }
  const edits: TextEdit[] = [
    ...ungrounded.map((s) => ({ start: s.start, end: s.end, replacement: '' })),
    ...pii.map((s) => ({ start: s.start, end: s.end, replacement: REDACTED })),
  ];
  const text = tidy(applyEdits(input.text, edits));
  if (text.length === 0) {
    return { verdict: 'redact', text: UNGROUNDED_FALLBACK, reply: UNGROUNDED_FALLBACK, findings, rules };
  }
  return { verdict: 'redact', text, findings, rules };
}

/** Collapses the gaps removed sentences leave behind. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Reviews a message in either direction. */
export async function review(input: ReviewInput, deps: ReviewDeps): Promise<ReviewOutcome> {
  return input.direction === 'input' ? reviewInput(input, deps) : reviewOutput(input, deps);
}
