import { isConfigError } from '@supportmesh/service-kit';
import { describe, expect, it } from 'vitest';
import { loadSpeechConfig, providerKind } from './config.js';
import { DOMAIN_LM_PATH } from './paths.js';

describe('speech connector configuration', () => {
  it('defaults to port 8087, the seed limits and the local provider', () => {
    const c = loadSpeechConfig({});
    expect(c).toMatchObject({
      PORT: 8087,
      SPEECH_MAX_BYTES: 10 * 1024 * 1024,
      SPEECH_MAX_SECONDS: 60,
      SPEECH_MAX_TEXT_CHARS: 2000,
      SPEECH_MAX_CONCURRENT: 50,
      SPEECH_QUEUE_TIMEOUT_MS: 250,
      SPEECH_SPHINX_LM: DOMAIN_LM_PATH,
    });
    expect(providerKind(c)).toBe('local');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('selects Azure when a key and region are set (auto), and local when forced', () => {
    const env = { AZURE_SPEECH_KEY: 'k', AZURE_SPEECH_REGION: 'westeurope' };
    expect(providerKind(loadSpeechConfig(env))).toBe('azure');
    expect(providerKind(loadSpeechConfig({ ...env, SPEECH_PROVIDER: 'local' }))).toBe('local');
    expect(providerKind(loadSpeechConfig({ AZURE_SPEECH_AUTH: 'entra', AZURE_SPEECH_ENDPOINT: 'https://x.cognitiveservices.azure.com/' }))).toBe('azure');
  });

  it('fails fast, naming every bad variable and never its value', () => {
    let err: unknown;
    try {
      loadSpeechConfig({ SPEECH_PROVIDER: 'azure', SPEECH_MAX_CONCURRENT: '0', SPEECH_LANGUAGE: 'english please', AZURE_SPEECH_KEY: 'secret-key-value' });
    } catch (e) {
      err = e;
    }
    expect(isConfigError(err)).toBe(true);
    const message = (err as Error).message;
    expect(message).toMatch(/SPEECH_PROVIDER/);
    expect(message).toMatch(/SPEECH_MAX_CONCURRENT/);
    expect(message).toMatch(/SPEECH_LANGUAGE/);
    expect(message).not.toContain('secret-key-value');
  });
});
