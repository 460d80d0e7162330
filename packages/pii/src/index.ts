export type { PiiSpan, PiiType } from './types.js';
export { luhnValid, ibanValid, ssnValid } from './checksums.js';
export { findEmails, findPhones, findCards, findIbans, findSsns } from './detectors.js';
export { detectPii, resolveOverlaps, type DetectPiiOptions } from './detect.js';
export * from './transform.js';
