import { describe, expect, it } from 'vitest';
import { runWithCorrelationId } from './context.js';
import { createCapturingLogger } from './testing/index.js';

const API_KEY = 'sk-live-4f8a9c2e7b1d3f5a6c8e0b2d4f6a8c0e';
const BEARER = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXN0b21lci00MiJ9.c2lnbmF0dXJl';
const CUSTOMER_TEXT = 'my card 4111 1111 1111 1111 was charged twice, call me on +44 7700 900123';

describe('createLogger', () => {
  it('writes JSON lines carrying the service name', () => {
    const { logger, records } = createCapturingLogger('gateway');
    logger.info({ turns: 3 }, 'conversation loaded');
    expect(records()[0]).toMatchObject({ service: 'gateway', level: 'info', turns: 3, msg: 'conversation loaded' });
  });

  it('adds the correlation id of the current request and none outside one', () => {
    const { logger, records } = createCapturingLogger();
    runWithCorrelationId('corr-123', () => logger.info('inside'));
    logger.info('outside');
    expect(records()[0]).toMatchObject({ correlationId: 'corr-123', msg: 'inside' });
    expect(records()[1]).not.toHaveProperty('correlationId');
  });

  it('never writes an API key, a bearer token or customer message text', () => {
    const { logger, lines, records } = createCapturingLogger();
    logger.info({ apiKey: API_KEY, api_key: API_KEY, key: API_KEY }, 'top-level secrets');
    logger.info({ headers: { authorization: BEARER, 'x-api-key': API_KEY, cookie: 'sid=abc' } }, 'headers');
    logger.info({ req: { headers: { authorization: BEARER, Authorization: BEARER } } }, 'request headers');
    logger.info({ config: { llm: { apiKey: API_KEY } } }, 'nested config');
    logger.info({ text: CUSTOMER_TEXT, message: { text: CUSTOMER_TEXT } }, 'message');
    logger.info({ body: { messages: [{ role: 'user', content: CUSTOMER_TEXT }] } }, 'llm request');
    logger.info({ upstream: { request: { prompt: CUSTOMER_TEXT } }, reply: CUSTOMER_TEXT, transcript: CUSTOMER_TEXT }, 'llm');
    logger.info({ customer: { email: 'jane@example.com', phone: '+44 7700 900123' } }, 'pii');

    const output = lines().join('\n');
    expect(lines()).toHaveLength(8);
    expect(output).not.toContain(API_KEY);
    expect(output).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(output).not.toContain('4111');
    expect(output).not.toContain('900123');
    expect(output).not.toContain('jane@example.com');
    expect(output).not.toContain('sid=abc');
    expect(records()[1]).toMatchObject({ headers: { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]' } });
    expect(records()[4]).toMatchObject({ text: '[REDACTED]', message: { text: '[REDACTED]' } });
  });

  it('logs errors without the request config, headers and body they carry', () => {
    const { logger, lines, records } = createCapturingLogger();
    const err = Object.assign(new Error('upstream answered 503'), {
      code: 'UPSTREAM_ERROR',
      config: { headers: { Authorization: BEARER, 'api-key': API_KEY }, data: JSON.stringify({ text: CUSTOMER_TEXT }) },
      response: { status: 503, data: { echo: CUSTOMER_TEXT } },
    });
    logger.error({ err }, 'hop failed');
    const output = lines().join('\n');
    expect(output).not.toContain(API_KEY);
    expect(output).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(output).not.toContain('4111');
    expect(records()[0]).toMatchObject({ err: { message: 'upstream answered 503', code: 'UPSTREAM_ERROR', status: 503 } });
  });
});
