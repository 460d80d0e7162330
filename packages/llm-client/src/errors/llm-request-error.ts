const BRAND = Symbol.for('supportmesh.llm-client.LlmRequestError');

/**
 * The provider rejected the request itself (a 4xx other than 429: bad request, content filter, auth, unknown
 * deployment). Not a deployment failure: it neither trips a breaker nor fails over, and retrying will not help.
 */
export class LlmRequestError extends Error {
  readonly code = 'LLM_REQUEST_REJECTED' as const;
  readonly [BRAND] = true;
  readonly status: number | undefined;
  readonly deployment: string;

  constructor(deployment: string, status: number | undefined, options?: { cause?: unknown }) {
    super(`LLM deployment "${deployment}" rejected the request${status === undefined ? '' : ` (HTTP ${status})`}`, {
      cause: options?.cause,
    });
    this.name = 'LlmRequestError';
    this.status = status;
    this.deployment = deployment;
  }
}

export function isLlmRequestError(e: unknown): e is LlmRequestError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
