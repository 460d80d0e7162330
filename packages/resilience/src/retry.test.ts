import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BreakerOpenError } from './errors/breaker-open-error.js';
import { retry, retryAttempts, type RetryInfo } from './retry.js';

class Status extends Error {
  constructor(readonly status: number, readonly retryAfter?: number) {
    super(`HTTP ${status}`);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs `retry` while advancing fake time until it settles; returns the result or error and the elapsed time. */
async function run<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown; elapsed: number }> {
  const start = Date.now();
  let settled = false;
  const out: { value?: T; error?: unknown } = {};
  p.then(
    (value) => {
      out.value = value;
      settled = true;
    },
    (error: unknown) => {
      out.error = error;
      settled = true;
    },
  );
  await vi.advanceTimersByTimeAsync(0);
  for (let i = 0; i < 1_000 && !settled; i++) await vi.advanceTimersToNextTimerAsync();
  return { ...out, elapsed: Date.now() - start };
}

describe('retry', () => {
  it('returns the first success and passes the attempt number', async () => {
    const fn = vi.fn(async (attempt: number) => {
      if (attempt < 3) throw new Status(503);
      return `ok@${attempt}`;
    });
    const { value } = await run(retry(fn, { random: () => 0.5 }));
    expect(value).toBe('ok@3');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('waits with full jitter within the exponential cap', async () => {
    const delays: number[] = [];
    const fn = vi.fn(async () => {
      throw new Status(503);
    });
    await run(
      retry(fn, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 350, random: () => 0.999, onRetry: (i: RetryInfo) => delays.push(i.delayMs) }),
    );
    // caps: 100, 200, 350 (400 capped), 350
    expect(delays).toEqual([99, 199, 349, 349]);
    delays.length = 0;
    await run(retry(fn, { maxAttempts: 3, random: () => 0, onRetry: (i) => delays.push(i.delayMs) }));
    expect(delays).toEqual([0, 0]);
  });

  it('actually sleeps the computed delay between attempts', async () => {
    const at: number[] = [];
    const start = Date.now();
    const fn = vi.fn(async () => {
      at.push(Date.now() - start);
      throw new Status(503);
    });
    await run(retry(fn, { maxAttempts: 3, baseDelayMs: 100, random: () => 0.5 }));
    expect(at).toEqual([0, 50, 150]);
  });

  it('never retries earlier than the server retry-after, even above maxDelayMs', async () => {
    const delays: number[] = [];
    const fn = vi.fn(async () => {
      throw new Status(429, 2_500);
    });
    const { error, elapsed } = await run(
      retry(fn, {
        maxAttempts: 2,
        maxDelayMs: 1_000,
        random: () => 0.1,
        retryAfterMs: (e) => (e instanceof Status ? e.retryAfter : undefined),
        onRetry: (i) => delays.push(i.delayMs),
      }),
    );
    expect(delays).toEqual([2_500]);
    expect(elapsed).toBeGreaterThanOrEqual(2_500);
    expect(retryAttempts(error)).toBe(2);
  });

  it('throws the last error with attempts recorded after maxAttempts', async () => {
    let n = 0;
    const fn = vi.fn(async () => {
      throw new Status(500 + ++n);
    });
    const { error } = await run(retry(fn, { maxAttempts: 3, random: () => 0 }));
    expect(error).toMatchObject({ status: 503 });
    expect(retryAttempts(error)).toBe(3);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('gives up when the next wait would exceed the time budget', async () => {
    const fn = vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 400));
      throw new Status(503);
    });
    // attempt 1 ends at 400, wait 100 → attempt 2 ends at 900; wait 200 would end at 1 100 > 1 000
    const { error, elapsed } = await run(retry(fn, { maxAttempts: 10, baseDelayMs: 200, budgetMs: 1_000, random: () => 0.5 }));
    expect(fn).toHaveBeenCalledTimes(2);
    expect(retryAttempts(error)).toBe(2);
    expect(elapsed).toBe(900);
  });

  it('gives up at once when the server asks to wait past the budget', async () => {
    const fn = vi.fn(async () => {
      throw new Status(429, 60_000);
    });
    const { error, elapsed } = await run(retry(fn, { budgetMs: 5_000, retryAfterMs: (e) => (e as Status).retryAfter }));
    expect(fn).toHaveBeenCalledTimes(1);
    expect(retryAttempts(error)).toBe(1);
    expect(elapsed).toBeLessThan(5);
  });

  it('does not retry errors that are not retryable', async () => {
    const fn = vi.fn(async () => {
      throw new Status(400);
    });
    const { error } = await run(retry(fn, { isRetryable: (e) => (e as Status).status >= 500 }));
    expect(fn).toHaveBeenCalledTimes(1);
    expect(retryAttempts(error)).toBe(1);
  });

  it('by default does not retry cancellations or an open breaker', async () => {
    const aborting = vi.fn(async () => {
      throw new DOMException('x', 'AbortError');
    });
    await run(retry(aborting));
    expect(aborting).toHaveBeenCalledTimes(1);
    const open = vi.fn(async () => {
      throw new BreakerOpenError('llm', 30_000);
    });
    await run(retry(open));
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('stops waiting when the signal aborts, hands the signal to each attempt', async () => {
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    const fn = vi.fn(async (_attempt: number, signal: AbortSignal) => {
      seen.push(signal);
      throw new Status(503);
    });
    const p = retry(fn, { baseDelayMs: 10_000, random: () => 0.99, signal: controller.signal });
    const outcome = run(p);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    const { error } = await outcome;
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(seen[0]).toBe(controller.signal);
  });

  it('accepts an injected sleep and clock', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const fn = vi.fn(async () => {
      throw new Status(503);
    });
    const err = await retry(fn, {
      maxAttempts: 4,
      budgetMs: 250,
      random: () => 0.999,
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    }).catch((e: unknown) => e);
    expect(sleeps).toEqual([99]); // 99 + 199 would pass 250
    expect(retryAttempts(err)).toBe(2);
  });
});
