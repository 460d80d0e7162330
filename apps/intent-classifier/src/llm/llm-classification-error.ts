const BRAND = Symbol.for('supportmesh.intent-classifier.LlmClassificationError');

/** The LLM could not classify a text (call failed, timed out, or answered outside the schema). */
export class LlmClassificationError extends Error {
  readonly code = 'LLM_CLASSIFICATION_FAILED' as const;
  readonly [BRAND] = true;

  constructor(message = 'LLM classification failed', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LlmClassificationError';
  }
}

export function isLlmClassificationError(e: unknown): e is LlmClassificationError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
