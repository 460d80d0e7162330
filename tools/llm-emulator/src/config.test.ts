import { describe, expect, it } from 'vitest';
import { loadEmulatorConfig } from './config.js';
import { isConfigError } from './config-error.js';

describe('loadEmulatorConfig', () => {
  it('defaults to port 8090 on loopback with the measured lognormal latency', () => {
    expect(loadEmulatorConfig({})).toEqual({
      port: 8090,
      host: '127.0.0.1',
      latency: { mode: 'lognormal', p50Ms: 450, p95Ms: 1800 },
    });
  });

  it('reads LLM_EMULATOR_* env and lets flags win', () => {
    const options = loadEmulatorConfig(
      {
        LLM_EMULATOR_PORT: '9000',
        LLM_EMULATOR_LATENCY: 'fixed:0',
        LLM_EMULATOR_TOKENS_PER_SECOND: '50',
        LLM_EMULATOR_FAULTS: '{"errorRate":0.1,"status":429}',
        LLM_EMULATOR_QUOTAS: '{"gpt-4o":{"rpm":60,"tpm":10000}}',
        LLM_EMULATOR_REQUIRE_AUTH: 'false',
      },
      ['--port', '9100', '--seed', '3'],
    );
    expect(options).toEqual({
      port: 9100,
      host: '127.0.0.1',
      latency: { mode: 'fixed', ms: 0 },
      tokensPerSecond: 50,
      seed: 3,
      faults: { errorRate: 0.1, status: 429 },
      quotas: { 'gpt-4o': { rpm: 60, tpm: 10000 } },
      requireAuth: false,
    });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadEmulatorConfig({ LLM_EMULATOR_PORT: 'x', LLM_EMULATOR_LATENCY: 'slow', LLM_EMULATOR_FAULTS: '{"status":404}', LLM_EMULATOR_QUOTAS: '{' });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    const problems = (error as { problems: string[] }).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/LLM_EMULATOR_PORT[\s\S]*LLM_EMULATOR_LATENCY[\s\S]*LLM_EMULATOR_FAULTS\.status[\s\S]*LLM_EMULATOR_QUOTAS/);
  });

  it('rejects unknown flags', () => {
    expect(() => loadEmulatorConfig({}, ['--bogus'])).toThrow(/Unknown option/);
  });
});
