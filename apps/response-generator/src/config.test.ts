import { isConfigError } from '@supportmesh/service-kit';
import { describe, expect, it } from 'vitest';
import { loadResponseGeneratorConfig } from './config.js';

describe('loadResponseGeneratorConfig', () => {
  it('has a local default for everything', () => {
    const config = loadResponseGeneratorConfig({});
    expect(config).toMatchObject({ PORT: 8083, REDIS_URL: 'redis://127.0.0.1:6379', RESPOND_CACHE_PREFIX: 'rg:', RESPOND_HISTORY_TURNS: 6 });
    expect(config.llm.deployments.map((d) => d.model)).toEqual(['gpt-4o-mini', 'gpt-4o']);
    expect(config.llm.maxTokens.respond).toBe(400);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the llm-client variables too', () => {
    const config = loadResponseGeneratorConfig({ LLM_ENDPOINT: 'http://127.0.0.1:9999/v1', LLM_MAX_TOKENS_RESPOND: '250', PORT: '0' });
    expect(config.PORT).toBe(0);
    expect(config.llm.maxTokens.respond).toBe(250);
    expect(config.llm.deployments[0]?.endpoint).toBe('http://127.0.0.1:9999/v1');
  });

  it('names every bad variable, its own and the llm-client ones, in one error', () => {
    let caught: unknown;
    try {
      loadResponseGeneratorConfig({ PORT: 'eighty', REDIS_URL: 'http://x', POOL_MAX_RETRIES: 'many' });
    } catch (err) {
      caught = err;
    }
    expect(isConfigError(caught)).toBe(true);
    const problems = (caught as { problems: string[] }).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/REDIS_URL/);
    expect(problems).toMatch(/POOL_MAX_RETRIES/);
  });
});
