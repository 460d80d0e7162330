import { describe, expect, it } from 'vitest';
import { ErrorEnvelope, errorEnvelope } from './errors.js';

describe('errorEnvelope', () => {
  it('builds a valid envelope and omits undefined details', () => {
    const env = errorEnvelope('NOT_FOUND', 'Conversation not found', 'c-1');
    expect(env).toEqual({ error: { code: 'NOT_FOUND', message: 'Conversation not found', correlationId: 'c-1' } });
    expect('details' in env.error).toBe(false);
    expect(ErrorEnvelope.parse(env)).toEqual(env);
  });

  it('keeps details when given', () => {
    const env = errorEnvelope('VALIDATION_FAILED', 'Invalid body', 'c-2', { fields: { text: ['Required'] } });
    expect(env.error.details).toEqual({ fields: { text: ['Required'] } });
  });
});
