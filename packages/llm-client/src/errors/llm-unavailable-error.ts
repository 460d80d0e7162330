const BRAND = Symbol.for('supportmesh.llm-client.LlmUnavailableError');

/** One failed attempt on one deployment, as reported inside {@link LlmUnavailableError}. */
export interface AttemptFailure {
  readonly deployment: string;
  readonly code: string;
  readonly status?: number | undefined;
}

/**
 * Every candidate deployment failed, was cooling down after a 429, or had its breaker open, and our retry budget
 * is spent. `retryAfterMs` is the earliest moment (from now) a new attempt could succeed, when known.
 */
export class LlmUnavailableError extends Error {
  readonly code = 'LLM_UNAVAILABLE' as const;
  readonly [BRAND] = true;
  readonly retryAfterMs: number | undefined;
  /** Why each deployment of the last round did not answer. (Not `attempts`: `retry` records its attempt count under that name.) */
  readonly failures: readonly AttemptFailure[];

  constructor(options: { retryAfterMs?: number | undefined; failures?: readonly AttemptFailure[]; cause?: unknown; message?: string } = {}) {
    super(options.message ?? 'No LLM deployment is available', { cause: options.cause });
    this.name = 'LlmUnavailableError';
    this.retryAfterMs = options.retryAfterMs;
    this.failures = options.failures ?? [];
  }
}

export function isLlmUnavailableError(e: unknown): e is LlmUnavailableError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
