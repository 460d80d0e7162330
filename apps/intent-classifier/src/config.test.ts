import { isConfigError } from '@supportmesh/service-kit';
import { describe, expect, it } from 'vitest';
import { loadIntentClassifierConfig } from './config.js';

describe('loadIntentClassifierConfig', () => {
  it('has local defaults: port 8081, LLM off, unsure below 0.45', () => {
    const config = loadIntentClassifierConfig({});
    expect(config).toMatchObject({ PORT: 8081, INTENT_LLM_MODE: 'off', INTENT_UNSURE_THRESHOLD: 0.45, INTENT_LLM_TIMEOUT_MS: 3000 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the LLM mode and threshold from the environment', () => {
    expect(loadIntentClassifierConfig({ INTENT_LLM_MODE: 'fallback', INTENT_UNSURE_THRESHOLD: '0.6', PORT: '9000' })).toMatchObject({
      INTENT_LLM_MODE: 'fallback',
      INTENT_UNSURE_THRESHOLD: 0.6,
      PORT: 9000,
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadIntentClassifierConfig({ INTENT_LLM_MODE: 'sometimes', INTENT_UNSURE_THRESHOLD: '2', PORT: 'x' });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    const message = (error as Error).message;
    for (const name of ['INTENT_LLM_MODE', 'INTENT_UNSURE_THRESHOLD', 'PORT']) expect(message).toContain(name);
  });
});
