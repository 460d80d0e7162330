import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from './config.js';
import { isConfigError, type ConfigError } from './errors/config-error.js';

const Schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(8081),
  REDIS_URL: z.url(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  LLM_API_KEY: z.string().min(20),
});

describe('loadConfig', () => {
  it('parses, applies defaults and returns a frozen object', () => {
    const config = loadConfig(Schema, { REDIS_URL: 'redis://127.0.0.1:6379', LLM_API_KEY: 'k'.repeat(24) });
    expect(config).toEqual({ PORT: 8081, REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'info', LLM_API_KEY: 'k'.repeat(24) });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
  });

  it('lists every problem as VAR: message, without the values', () => {
    const err = (() => {
      try {
        loadConfig(Schema, { PORT: 'eighty', LOG_LEVEL: 'loud', LLM_API_KEY: 'sk-short-secret' });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ConfigError;
    expect(isConfigError(err)).toBe(true);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual(['LLM_API_KEY', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
    expect(err.message).toContain('  - PORT: ');
    expect(err.message).not.toContain('sk-short-secret');
  });

  it('reads process.env by default', () => {
    const config = loadConfig(z.object({ PATH: z.string().min(1) }));
    expect(config.PATH).toBe(process.env['PATH']);
  });
});
