import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from './remote.js';
import { startUpstream, type Upstream } from './upstream.js';

describe('load runs in a worker thread', () => {
  let upstream: Upstream;
  beforeAll(async () => {
    upstream = await startUpstream({ delayMs: 5 });
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('runs a chat workload in its own thread and returns the measured result', async () => {
    const { result } = await runLoad({
      model: 'open',
      rate: 100,
      origin: upstream.url,
      workload: { kind: 'chat', path: '/v1/chat/completions', headers: { authorization: 'Bearer x' } },
      options: { durationMs: 500 },
    });
    expect(result.sent).toBe(50);
    expect(result.ok).toBe(50);
    expect(result.latency.p50Ms).toBeGreaterThanOrEqual(5);
  });

  it('flags a chat answer that is not a chat completion', async () => {
    const { result } = await runLoad({
      model: 'closed',
      connections: 1,
      maxRequests: 3,
      origin: upstream.url,
      workload: { kind: 'chat', path: '/ready', headers: {} },
      options: { durationMs: 2_000 },
    });
    expect(result.errors).toEqual({ not_a_chat_completion: 3 });
  });
});
