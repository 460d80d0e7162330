export { splitSentences, CITATION_MARKER, type Sentence } from './sentences.js';
export { contentTokens, extractNumbers, claimNumbers, stripNonClaims } from './tokens.js';
export {
  checkGrounding,
  isFactual,
  DEFAULT_GROUNDING_THRESHOLD,
  type GroundingPassage,
  type GroundingOptions,
  type GroundingResult,
  type SentenceGrounding,
} from './grounding.js';
