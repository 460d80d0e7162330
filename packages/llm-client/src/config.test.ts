import { describe, expect, it } from 'vitest';
import { inferTier, llmConfigFromEnv, parseLlmConfig } from './config.js';
import { isLlmConfigError, type LlmConfigError } from './errors/llm-config-error.js';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (isLlmConfigError(e)) return (e as LlmConfigError).problems;
    throw e;
  }
  throw new Error('expected an LlmConfigError');
}

describe('llmConfigFromEnv', () => {
  it('defaults to the local emulator with a small and a large deployment and the seed pool settings', () => {
    const cfg = llmConfigFromEnv({});
    expect(cfg.deployments.map((d) => [d.name, d.provider, d.endpoint, d.model, d.tier])).toEqual([
      ['small', 'openai', 'http://127.0.0.1:8090/v1', 'gpt-4o-mini', 'small'],
      ['large', 'openai', 'http://127.0.0.1:8090/v1', 'gpt-4o', 'large'],
    ]);
    expect(cfg.pool).toMatchObject({ enabled: true, minConnections: 2, maxConnections: 50, connectionTimeoutMs: 30_000, maxWaiters: 1000 });
    expect(cfg.retry.maxRetries).toBe(3);
    expect(cfg.breaker).toEqual({ threshold: 5, resetTimeoutMs: 30_000 });
    expect(cfg.maxTokens).toMatchObject({ classify: 50, respond: 400 });
    expect(cfg.cache).toMatchObject({ enabled: true, semantic: true, ttlSec: 3600, semanticThreshold: 0.85 });
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('reads the simple OpenAI-compatible form and the pool variables (seconds become milliseconds)', () => {
    const cfg = llmConfigFromEnv({
      LLM_ENDPOINT: 'http://127.0.0.1:11434/v1',
      LLM_API_KEY: 'k',
      LLM_MODEL_SMALL: 'llama3.2:3b-mini',
      LLM_MODEL_LARGE: 'llama3.1:70b',
      LLM_EMBEDDING_MODEL: 'nomic-embed-text',
      USE_CONNECTION_POOL: 'false',
      POOL_MIN_CONNECTIONS: '1',
      POOL_MAX_CONNECTIONS: '8',
      POOL_CONNECTION_TIMEOUT: '2.5',
      POOL_MAX_RETRIES: '0',
      POOL_CIRCUIT_BREAKER_THRESHOLD: '3',
      POOL_CIRCUIT_BREAKER_TIMEOUT: '10',
      LLM_MAX_TOKENS_CLASSIFY: '20',
      SEMANTIC_CACHE_THRESHOLD: '0.9',
      LLM_CACHE_TTL_SEC: '60',
    });
    expect(cfg.deployments.map((d) => [d.model, d.tier, d.apiKey])).toEqual([
      ['llama3.2:3b-mini', 'small', 'k'],
      ['llama3.1:70b', 'large', 'k'],
      ['nomic-embed-text', 'embedding', 'k'],
    ]);
    expect(cfg.pool).toMatchObject({ enabled: false, minConnections: 1, maxConnections: 8, connectionTimeoutMs: 2500 });
    expect(cfg.retry.maxRetries).toBe(0);
    expect(cfg.breaker).toEqual({ threshold: 3, resetTimeoutMs: 10_000 });
    expect(cfg.maxTokens.classify).toBe(20);
    expect(cfg.cache).toMatchObject({ semanticThreshold: 0.9, ttlSec: 60 });
  });

  it('builds Azure deployments from AZURE_OPENAI_* with a key or with Entra ID', () => {
    const withKey = llmConfigFromEnv({
      AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com',
      AZURE_OPENAI_API_KEY: 'secret',
      AZURE_OPENAI_API_VERSION: '2024-06-01',
      AZURE_OPENAI_DEPLOYMENT_LARGE: 'gpt4o-prod',
    });
    expect(withKey.deployments.map((d) => [d.provider, d.deployment, d.auth, d.apiKey, d.apiVersion])).toEqual([
      ['azure', 'gpt-4o-mini', 'key', 'secret', '2024-06-01'],
      ['azure', 'gpt4o-prod', 'key', 'secret', '2024-06-01'],
    ]);
    const entra = llmConfigFromEnv({ AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com', AZURE_OPENAI_USE_ENTRA_ID: 'true' });
    expect(entra.deployments.every((d) => d.auth === 'entra' && d.apiKey === undefined && d.apiVersion === '2024-10-21')).toBe(true);
  });

  it('reads LLM_DEPLOYMENTS JSON with weights, quotas, tasks and keys by environment variable name', () => {
    const cfg = llmConfigFromEnv({
      LLM_DEPLOYMENTS: JSON.stringify([
        { name: 'eu-mini', provider: 'azure', endpoint: 'https://eu.openai.azure.com', model: 'gpt-4o-mini', region: 'westeurope', weight: 3, rpm: 600, tpm: 90000, apiKeyEnv: 'EU_KEY' },
        { name: 'us-4o', provider: 'azure', endpoint: 'https://us.openai.azure.com', model: 'gpt-4o', deployment: 'chat', tasks: ['respond'], apiKeyEnv: 'US_KEY' },
      ]),
      EU_KEY: 'k1',
      US_KEY: 'k2',
    });
    expect(cfg.deployments[0]).toMatchObject({ name: 'eu-mini', tier: 'small', weight: 3, rpm: 600, tpm: 90000, apiKey: 'k1', deployment: 'gpt-4o-mini' });
    expect(cfg.deployments[1]).toMatchObject({ name: 'us-4o', tier: 'large', weight: 1, tasks: ['respond'], apiKey: 'k2', deployment: 'chat' });
  });

  it('lists every problem at once, named by the variable to fix', () => {
    const problems = problemsOf(() =>
      llmConfigFromEnv({
        POOL_MAX_CONNECTIONS: 'lots',
        POOL_MIN_CONNECTIONS: '-1',
        USE_CONNECTION_POOL: 'maybe',
        SEMANTIC_CACHE_THRESHOLD: '1.5',
        LLM_ENDPOINT: 'not a url',
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('POOL_MAX_CONNECTIONS'),
        expect.stringContaining('POOL_MIN_CONNECTIONS'),
        expect.stringContaining('USE_CONNECTION_POOL'),
        expect.stringContaining('SEMANTIC_CACHE_THRESHOLD'),
        expect.stringContaining('deployments[0].endpoint'),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('rejects malformed LLM_DEPLOYMENTS, duplicate names and missing key variables', () => {
    expect(problemsOf(() => llmConfigFromEnv({ LLM_DEPLOYMENTS: '[{' }))).toEqual(expect.arrayContaining([expect.stringContaining('not valid JSON')]));
    const problems = problemsOf(() =>
      llmConfigFromEnv({
        LLM_DEPLOYMENTS: JSON.stringify([
          { name: 'a', provider: 'openai', endpoint: 'http://127.0.0.1:1/v1', model: 'gpt-4o', apiKeyEnv: 'NOPE' },
          { name: 'a', provider: 'openai', endpoint: 'http://127.0.0.1:1/v1', model: 'gpt-4o', weight: 0 },
        ]),
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/LLM_DEPLOYMENTS\[1\]\.name: duplicate/),
        expect.stringMatching(/LLM_DEPLOYMENTS\[1\]\.weight/),
      ]),
    );
    expect(problemsOf(() => llmConfigFromEnv({ AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' }))).toEqual([
      expect.stringContaining('AZURE_OPENAI_API_KEY'),
    ]);
  });
});

describe('parseLlmConfig', () => {
  it('needs at least one chat deployment and min ≤ max connections', () => {
    const problems = problemsOf(() =>
      parseLlmConfig({
        deployments: [{ name: 'e', provider: 'openai', endpoint: 'http://127.0.0.1:1/v1', model: 'text-embedding-3-small' }],
        pool: { minConnections: 10, maxConnections: 2 },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringContaining('chat (non-embedding) deployment'), expect.stringContaining('pool.minConnections')]),
    );
  });

  it('infers the tier from the model name', () => {
    expect([inferTier('gpt-4o'), inferTier('gpt-4o-mini'), inferTier('text-embedding-3-small'), inferTier('gpt-4.1-nano')]).toEqual([
      'large',
      'small',
      'embedding',
      'small',
    ]);
  });
});
