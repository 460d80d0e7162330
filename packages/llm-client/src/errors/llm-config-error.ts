const BRAND = Symbol.for('supportmesh.llm-client.LlmConfigError');

/** The LLM client configuration is invalid; `problems` lists every problem found, one line each. */
export class LlmConfigError extends Error {
  readonly code = 'LLM_CONFIG_INVALID' as const;
  readonly [BRAND] = true;
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid LLM client configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { cause: options?.cause });
    this.name = 'LlmConfigError';
    this.problems = problems;
  }
}

export function isLlmConfigError(e: unknown): e is LlmConfigError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
