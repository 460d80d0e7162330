export { evaluatePii, formatReport, readHeldout, runEval, type EvalOptions, type EvalReport, type HeldoutItem, type Rate } from './eval/run-eval.js';
export { generatePiiProbes, ibanMod97, luhnCheckDigit, luhnValid, PII_TYPES, type PiiProbe, type PiiType } from './eval/pii-probes.js';
