import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLlmClient } from './client.js';
import { isLlmUnavailableError } from './errors/llm-unavailable-error.js';
import type { LlmEventMap } from './events.js';
import { closeEmulators, emulator, openaiDeployment, upstreamChats } from './testing/emulator-fixture.js';

const ask = { task: 'classify' as const, messages: [{ role: 'user' as const, content: 'Where is my parcel?' }], cache: false, dedup: false };

afterEach(async () => {
  vi.useRealTimers();
  await closeEmulators();
});

describe('per-deployment circuit breaker (real HTTP, fake timers for the 30 s reset)', () => {
  it('opens after 5 consecutive upstream failures, goes half-open after 30 s and closes on a successful probe', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const emu = await emulator({ faults: { failAll: true, status: 500 } });
    const client = createLlmClient({ deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini')], retry: { maxRetries: 0 } });
    const transitions: LlmEventMap['breaker'][] = [];
    client.on('breaker', (e) => transitions.push(e));

    for (let i = 0; i < 5; i++) await expect(client.chat(ask)).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    expect(upstreamChats(emu, 'gpt-4o-mini')).toBe(5);
    expect(client.stats().deployments['mini']?.circuit_breaker_state).toBe('OPEN');

    // Open: refused without an upstream call, with the time until the probe.
    const refused = await client.chat(ask).catch((e: unknown) => e);
    expect(isLlmUnavailableError(refused) && refused.failures).toEqual([{ deployment: 'mini', code: 'CIRCUIT_OPEN' }]);
    expect(isLlmUnavailableError(refused) && refused.retryAfterMs).toBeGreaterThan(29_000);
    expect(upstreamChats(emu, 'gpt-4o-mini')).toBe(5);

    emu.resetFaults();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(client.stats().deployments['mini']?.circuit_breaker_state).toBe('HALF_OPEN');

    const probe = await client.chat(ask);
    expect(probe.deployment).toBe('mini');
    expect(client.stats().aggregate.circuit_breaker_state).toBe('CLOSED');
    expect(transitions.map((t) => t.state)).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
    await client.close();
  });

  it('re-opens when the half-open probe fails', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const emu = await emulator({ faults: { failAll: true, status: 503 } });
    const client = createLlmClient({ deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini')], retry: { maxRetries: 0 }, breaker: { threshold: 2 } });
    for (let i = 0; i < 2; i++) await expect(client.chat(ask)).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(client.stats().deployments['mini']?.circuit_breaker_state).toBe('HALF_OPEN');
    await expect(client.chat(ask)).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    expect(client.stats().deployments['mini']?.circuit_breaker_state).toBe('OPEN');
    expect(upstreamChats(emu, 'gpt-4o-mini')).toBe(3);
    await client.close();
  });

  it('does not wait out another deployment\'s open breaker before retrying: the call fails fast once every breaker is open', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const emu = await emulator({ faults: { failAll: true, status: 500, deployments: ['gpt-4o-mini'] } });
    const client = createLlmClient({
      deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini'), openaiDeployment(emu, 'big', 'gpt-4o')],
      retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 10 },
      breaker: { threshold: 1 },
    });
    // mini fails and opens (30 s reset); big answers.
    expect((await client.chat(ask)).deployment).toBe('big');
    expect(client.stats().deployments['mini']?.circuit_breaker_state).toBe('OPEN');

    // Now big fails too. Round 1 = [mini: open breaker, big: 500] is worth a retry, but after a short backoff,
    // not after mini's remaining 30 s reset; round 2 finds both open and gives up at once.
    emu.setFaults({ failAll: true, status: 500 });
    let outcome: unknown = 'still waiting after 1 s of retry time';
    void client.chat(ask).then(
      () => (outcome = 'answered'),
      (e: unknown) => (outcome = e),
    );
    // Let the real HTTP round trips happen while at most 1 s of (fake) retry time passes.
    for (let i = 0; i < 400 && typeof outcome === 'string'; i++) {
      await vi.advanceTimersByTimeAsync(2.5);
      await new Promise((r) => setImmediate(r));
    }
    expect(isLlmUnavailableError(outcome) && outcome.failures.map((f) => f.code)).toEqual(['CIRCUIT_OPEN', 'CIRCUIT_OPEN']);
    await client.close();
  });

  it('probes a half-open deployment that gets no traffic itself, so its breaker closes (or re-opens) without callers', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const emu = await emulator({ faults: { failAll: true, status: 500, deployments: ['gpt-4o-mini'] } });
    const client = createLlmClient({
      deployments: [openaiDeployment(emu, 'mini', 'gpt-4o-mini'), openaiDeployment(emu, 'big', 'gpt-4o')],
      retry: { maxRetries: 0 },
      breaker: { threshold: 1 },
    });
    expect((await client.chat(ask)).deployment).toBe('big');
    expect(client.stats().deployments['mini']?.circuit_breaker_state).toBe('OPEN');
    emu.resetFaults();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(client.stats().deployments['mini']?.circuit_breaker_state).toBe('HALF_OPEN');
    const before = upstreamChats(emu, 'gpt-4o-mini');

    // No caller sends anything; after a second the client probes mini once and the breaker closes.
    for (let i = 0; i < 400 && client.stats().deployments['mini']?.circuit_breaker_state !== 'CLOSED'; i++) {
      await vi.advanceTimersByTimeAsync(5);
      await new Promise((r) => setImmediate(r));
    }
    expect(client.stats().deployments['mini']?.circuit_breaker_state).toBe('CLOSED');
    expect(upstreamChats(emu, 'gpt-4o-mini') - before).toBe(1);
    expect(client.stats().aggregate.circuit_breaker_state).toBe('CLOSED');
    await client.close();
  });
});
