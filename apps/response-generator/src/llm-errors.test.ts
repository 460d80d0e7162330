import { LlmRequestError, LlmUnavailableError, PoolExhaustedError } from '@supportmesh/llm-client';
import { errorAnswer } from '@supportmesh/service-kit';
import { describe, expect, it } from 'vitest';
import { toHttpError } from './llm-errors.js';

describe('toHttpError', () => {
  it('answers an unavailable LLM with 503 LLM_UNAVAILABLE and a Retry-After rounded up to whole seconds', () => {
    const answer = errorAnswer(toHttpError(new LlmUnavailableError({ retryAfterMs: 1_200 })));
    expect(answer).toMatchObject({ status: 503, code: 'LLM_UNAVAILABLE', headers: { 'Retry-After': '2' } });
    expect(errorAnswer(toHttpError(new LlmUnavailableError())).headers).toEqual({ 'Retry-After': '2' });
  });

  it('answers full connection pools with 503 LLM_UNAVAILABLE and Retry-After 1', () => {
    expect(errorAnswer(toHttpError(new PoolExhaustedError('large', 'queue_full')))).toMatchObject({
      status: 503,
      code: 'LLM_UNAVAILABLE',
      headers: { 'Retry-After': '1' },
    });
  });

  it('answers a request the provider rejected with 502 and no upstream detail', () => {
    const answer = errorAnswer(toHttpError(new LlmRequestError('large', 400, { cause: new Error('secret upstream text') })));
    expect(answer).toMatchObject({ status: 502, code: 'LLM_REQUEST_REJECTED', expected: true });
    expect(answer.message).not.toContain('secret');
  });

  it('keeps the cause and leaves other errors alone', () => {
    const cause = new LlmUnavailableError();
    expect((toHttpError(cause) as Error).cause).toBe(cause);
    const other = new TypeError('bug');
    expect(toHttpError(other)).toBe(other);
  });
});
