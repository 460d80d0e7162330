const BRAND = Symbol.for('supportmesh.service-kit.ConfigError');

/** The service configuration (environment) is invalid; `problems` has one `VAR: message` line per issue. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  readonly [BRAND] = true;
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { cause: options?.cause });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
