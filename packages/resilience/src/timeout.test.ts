import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isTimeoutError } from './errors/timeout-error.js';
import { withTimeout } from './timeout.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A call that resolves after `ms` unless its signal aborts first. */
function slowCall(ms: number, seen: { aborted?: boolean; reason?: unknown }) {
  return (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => resolve('done'), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        seen.aborted = true;
        seen.reason = signal.reason;
        reject(signal.reason);
      });
    });
}

describe('withTimeout', () => {
  it('resolves when the call finishes in time', async () => {
    const seen: { aborted?: boolean } = {};
    const p = withTimeout(slowCall(50, seen), 100);
    await vi.advanceTimersByTimeAsync(50);
    await expect(p).resolves.toBe('done');
    await vi.advanceTimersByTimeAsync(100);
    expect(seen.aborted).toBeUndefined();
  });

  it('rejects with TimeoutError (code TIMEOUT) and aborts the inner call', async () => {
    const seen: { aborted?: boolean; reason?: unknown } = {};
    const p = withTimeout(slowCall(5_000, seen), 100).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(99);
    expect(seen.aborted).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const err = await p;
    expect(isTimeoutError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'TIMEOUT', timeoutMs: 100 });
    expect(seen.aborted).toBe(true);
    expect(isTimeoutError(seen.reason)).toBe(true);
  });

  it('rejects with the caller abort reason at once when the parent signal aborts', async () => {
    const seen: { aborted?: boolean } = {};
    const parent = new AbortController();
    const p = withTimeout(slowCall(5_000, seen), 1_000, parent.signal).catch((e: unknown) => e);
    parent.abort();
    const err = await p;
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(isTimeoutError(err)).toBe(false);
    expect(seen.aborted).toBe(true);
  });

  it('rejects without calling fn when the parent is already aborted', async () => {
    const fn = vi.fn(async () => 'x');
    const parent = new AbortController();
    parent.abort();
    await expect(withTimeout(fn, 100, parent.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(fn).not.toHaveBeenCalled();
  });

  it('passes through the inner error, also when fn throws synchronously', async () => {
    await expect(withTimeout(async () => Promise.reject(new Error('inner')), 100)).rejects.toThrow('inner');
    await expect(
      withTimeout(() => {
        throw new Error('sync');
      }, 100),
    ).rejects.toThrow('sync');
  });
});
