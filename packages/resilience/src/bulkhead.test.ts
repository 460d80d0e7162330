import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Bulkhead } from './bulkhead.js';
import { isBulkheadRejectedError } from './errors/bulkhead-rejected-error.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const work = (ms: number, value = 'ok') => () => new Promise<string>((r) => setTimeout(() => r(value), ms));

describe('Bulkhead', () => {
  it('runs at most maxConcurrent calls and queues the next ones in order', async () => {
    const b = new Bulkhead({ maxConcurrent: 2, maxQueue: 2 });
    const order: string[] = [];
    const calls = ['a', 'b', 'c', 'd'].map((v) => b.run(async () => {
      order.push(`start ${v}`);
      await new Promise((r) => setTimeout(r, 100));
      return v;
    }));
    await vi.advanceTimersByTimeAsync(0);
    expect(b.active).toBe(2);
    expect(b.queued).toBe(2);
    expect(order).toEqual(['start a', 'start b']);
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual(['start a', 'start b', 'start c', 'start d']);
    await vi.advanceTimersByTimeAsync(100);
    await expect(Promise.all(calls)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(b.active).toBe(0);
  });

  it('rejects with BULKHEAD_FULL when the queue is full', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    const first = b.run(work(100));
    const second = b.run(work(100));
    const err = await b.run(work(100)).catch((e: unknown) => e);
    expect(isBulkheadRejectedError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'BULKHEAD_FULL', reason: 'queue_full' });
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all([first, second]);
  });

  it('rejects a queued call after queueTimeoutMs and frees its queue place', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 50 });
    const first = b.run(work(1_000));
    const queued = b.run(work(10)).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(50);
    expect(await queued).toMatchObject({ code: 'BULKHEAD_FULL', reason: 'queue_timeout' });
    expect(b.queued).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    await first;
  });

  it('removes a queued call whose signal aborts', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueue: 5 });
    const first = b.run(work(100));
    const controller = new AbortController();
    const fn = vi.fn(work(10));
    const queued = b.run(fn, controller.signal).catch((e: unknown) => e);
    controller.abort();
    expect(await queued).toMatchObject({ name: 'AbortError' });
    expect(b.queued).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    await first;
    expect(fn).not.toHaveBeenCalled();
    expect(b.active).toBe(0);
  });

  it('releases the slot when the call fails', async () => {
    const b = new Bulkhead({ maxConcurrent: 1 });
    await expect(b.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(b.active).toBe(0);
    await expect(b.run(async () => 'next')).resolves.toBe('next');
  });
});
