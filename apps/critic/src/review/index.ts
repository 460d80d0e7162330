export { review, reviewInput, reviewOutput, type ReviewInput, type ReviewOutcome, type ReviewDeps, type Finding, type FindingType, type Verdict } from './review.js';
export { ABUSE_REPLY, INJECTION_REPLY, UNGROUNDED_FALLBACK, UNSAFE_FALLBACK } from './messages.js';
