import type { z } from 'zod';
import { ConfigError } from './errors/config-error.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Parses the environment with `schema` once and returns the result deeply frozen. On failure throws
 * {@link ConfigError} listing every problem as `VAR: message` (never the values, which may be secrets).
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(problems, { cause: result.error });
  }
  return deepFreeze(result.data);
}
