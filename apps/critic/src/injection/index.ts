export { screenInput, type ScreenFinding, type ScreenOptions } from './screen.js';
export { findUnsafeContent, type UnsafeFinding } from './unsafe.js';
export { findEncodedText, type EncodedBlob } from './encoded.js';
export { INJECTION_PATTERNS, ABUSE_PATTERNS, type ScreenPattern, type ScreenFindingType } from './patterns.js';
export { normalizeForMatching, toOriginalRange, type NormalizedText } from './normalize.js';
