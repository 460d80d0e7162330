import { isConfigError } from '@supportmesh/service-kit';
import { describe, expect, it } from 'vitest';
import { loadCriticConfig } from './config.js';

describe('loadCriticConfig', () => {
  it('has local defaults', () => {
    const config = loadCriticConfig({});
    expect(config).toMatchObject({
      PORT: 8086,
      REDIS_URL: 'redis://127.0.0.1:6379',
      CRITIC_TOKEN_TTL_SEC: 3600,
      CRITIC_GROUNDING_THRESHOLD: 0.5,
      CRITIC_VAULT_FAIL_OPEN: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads overrides', () => {
    const config = loadCriticConfig({ PORT: '9000', CRITIC_GROUNDING_THRESHOLD: '0.35', CRITIC_VAULT_FAIL_OPEN: 'false' });
    expect(config).toMatchObject({ PORT: 9000, CRITIC_GROUNDING_THRESHOLD: 0.35, CRITIC_VAULT_FAIL_OPEN: false });
  });

  it('names every bad variable at once', () => {
    let caught: unknown;
    try {
      loadCriticConfig({ PORT: 'abc', CRITIC_GROUNDING_THRESHOLD: '2', REDIS_URL: 'http://x' });
    } catch (err) {
      caught = err;
    }
    expect(isConfigError(caught)).toBe(true);
    const message = (caught as Error).message;
    for (const name of ['PORT', 'CRITIC_GROUNDING_THRESHOLD', 'REDIS_URL']) expect(message).toContain(name);
  });
});
