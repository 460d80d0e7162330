import { describe, expect, it } from 'vitest';
import { loadAnalyticsConfig } from './config.js';

describe('analytics config', () => {
  it('has a local default for everything', () => {
    const config = loadAnalyticsConfig({});
    expect(config).toMatchObject({
      PORT: 8085,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ANALYTICS_CONSUMER: true,
      ANALYTICS_STREAM: 'conversation.turn',
      ANALYTICS_GROUP: 'analytics',
      ANALYTICS_MAX_DELIVERIES: 5,
      ANALYTICS_KEY_PREFIX: '{analytics}:',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads overrides and on/off switches', () => {
    const config = loadAnalyticsConfig({ PORT: '9000', ANALYTICS_CONSUMER: 'off', ANALYTICS_MAX_DELIVERIES: '3' });
    expect(config).toMatchObject({ PORT: 9000, ANALYTICS_CONSUMER: false, ANALYTICS_MAX_DELIVERIES: 3 });
  });

  it('names every bad variable', () => {
    expect(() => loadAnalyticsConfig({ PORT: 'x', ANALYTICS_SMALL_MODEL_PATTERN: '(', REDIS_URL: 'http://nope' })).toThrow(
      /PORT[\s\S]*REDIS_URL[\s\S]*ANALYTICS_SMALL_MODEL_PATTERN|PORT/,
    );
    try {
      loadAnalyticsConfig({ PORT: 'x', ANALYTICS_SMALL_MODEL_PATTERN: '(', REDIS_URL: 'http://nope' });
    } catch (err) {
      const message = (err as Error).message;
      for (const name of ['PORT', 'REDIS_URL', 'ANALYTICS_SMALL_MODEL_PATTERN']) expect(message).toContain(name);
    }
  });
});
