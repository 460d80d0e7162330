import { describe, expect, it } from 'vitest';
import { isConfigError } from '@supportmesh/service-kit';
import { sha256Hex } from './auth/keyring.js';
import { cosmosTrustsSelfSigned, loadGatewayConfig } from './config.js';

const realKeys = JSON.stringify([{ id: 'web', sha256: sha256Hex('a-real-production-key-0123456789'), role: 'user', delegate: true }]);

function problems(env: Record<string, string>): string[] {
  try {
    loadGatewayConfig(env);
    return [];
  } catch (err) {
    if (!isConfigError(err)) throw err;
    return [...err.problems];
  }
}

describe('gateway configuration', () => {
  it('has local defaults for every variable', () => {
    const c = loadGatewayConfig({});
    expect(c).toMatchObject({
      PORT: 8080,
      SUPPORTMESH_ENV: 'local',
      INTENT_CLASSIFIER_URL: 'http://127.0.0.1:8081',
      CRITIC_URL: 'http://127.0.0.1:8086',
      GATEWAY_TIMEOUT_CLASSIFY_MS: 1500,
      GATEWAY_TIMEOUT_RESPOND_MS: 8000,
      GATEWAY_TURN_BUDGET_MS: 12000,
      COSMOS_DATABASE: 'supportmesh',
      COSMOS_CONTAINER: 'conversations',
      COSMOS_TTL_SEC: -1,
      SESSION_TTL_SEC: 3600,
      GATEWAY_RATE_LIMIT_PER_MINUTE: 10,
      GATEWAY_SESSION_RATE_LIMIT_PER_MINUTE: 30,
      GATEWAY_TOKEN_BUDGET_PER_MINUTE: 20000,
      GATEWAY_RATE_LIMIT_FAIL_MODE: 'open',
      GATEWAY_REGISTRY_TTL_SEC: 300,
      GATEWAY_API_KEYS: [],
      GATEWAY_TURN_STREAM: 'conversation.turn',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('refuses to start in production with development keys or without real credentials', () => {
    const base = { SUPPORTMESH_ENV: 'production', COSMOS_KEY: 'k' };
    expect(problems({ ...base }).join('\n')).toMatch(/GATEWAY_API_KEYS: production needs real credentials/);
    expect(problems({ ...base, GATEWAY_API_KEYS: realKeys, GATEWAY_DEV_API_KEY: 'sm_dev_local_only_0123456789abcdef' }).join('\n')).toMatch(/GATEWAY_DEV_API_KEY/);
    expect(problems({ ...base, GATEWAY_API_KEYS: realKeys, GATEWAY_DEV_ADMIN_KEY: 'sm_dev_admin_local_only_fedcba9876543210' }).join('\n')).toMatch(/GATEWAY_DEV_ADMIN_KEY/);
    expect(problems({ SUPPORTMESH_ENV: 'production', GATEWAY_API_KEYS: realKeys }).join('\n')).toMatch(/COSMOS_KEY/);
    expect(problems({ ...base, GATEWAY_API_KEYS: realKeys })).toEqual([]);
  });

  it('takes the conversation.turn stream name from GATEWAY_TURN_STREAM', () => {
    expect(loadGatewayConfig({ GATEWAY_TURN_STREAM: 'tenant-a:conversation.turn' }).GATEWAY_TURN_STREAM).toBe('tenant-a:conversation.turn');
    expect(problems({ GATEWAY_TURN_STREAM: 'has a space' }).join('\n')).toMatch(/GATEWAY_TURN_STREAM/);
    expect(problems({ GATEWAY_TURN_STREAM: '' }).join('\n')).toMatch(/GATEWAY_TURN_STREAM/);
  });

  it('names bad variables without echoing their values', () => {
    let message = '';
    try {
      loadGatewayConfig({ GATEWAY_API_KEYS: '[{"id":"x","sha256":"not-a-hash-secretvalue","role":"user"}]', GATEWAY_JWT_SECRET: 'short-secret-value' });
    } catch (err) {
      message = String((err as Error).message) + JSON.stringify(err);
    }
    expect(message).toMatch(/GATEWAY_API_KEYS/);
    expect(message).toMatch(/GATEWAY_JWT_SECRET/);
    expect(message).not.toContain('secretvalue');
    expect(message).not.toContain('short-secret-value');
  });

  it('honours COSMOS_ALLOW_SELF_SIGNED only in local mode', () => {
    expect(cosmosTrustsSelfSigned(loadGatewayConfig({ COSMOS_ALLOW_SELF_SIGNED: 'true' }))).toBe(true);
    expect(cosmosTrustsSelfSigned(loadGatewayConfig({ COSMOS_ALLOW_SELF_SIGNED: 'false' }))).toBe(false);
    expect(
      cosmosTrustsSelfSigned(loadGatewayConfig({ SUPPORTMESH_ENV: 'production', COSMOS_KEY: 'k', GATEWAY_API_KEYS: realKeys, COSMOS_ALLOW_SELF_SIGNED: 'true' })),
    ).toBe(false);
  });
});
