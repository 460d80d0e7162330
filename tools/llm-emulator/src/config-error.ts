const BRAND = Symbol.for('supportmesh.llm-emulator.ConfigError');

/** The emulator's CLI configuration (env or flags) is invalid; `problems` lists every issue. */
export class ConfigError extends Error {
  readonly code = 'LLM_EMULATOR_CONFIG_INVALID';
  readonly [BRAND] = true;

  constructor(
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid llm-emulator configuration: ${problems.join('; ')}`, options);
    this.name = 'ConfigError';
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
