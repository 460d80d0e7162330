import Opossum from 'opossum';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCircuitBreaker, type BreakerOptions, type CircuitBreaker } from './circuit-breaker.js';
import { BreakerOpenError, isBreakerOpenError } from './errors/breaker-open-error.js';
import { isBulkheadRejectedError } from './errors/bulkhead-rejected-error.js';
import { isTimeoutError, TimeoutError } from './errors/timeout-error.js';

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const abortError = (): DOMException => new DOMException('aborted by caller', 'AbortError');

/** A scripted upstream: every call takes the next behaviour (default: succeed). */
function upstream() {
  const script: Array<'ok' | 'fail' | 'abort' | 'bad-request'> = [];
  const fn = vi.fn(async (): Promise<string> => {
    const step = script.shift() ?? 'ok';
    if (step === 'fail') throw new HttpStatusError(503);
    if (step === 'bad-request') throw new HttpStatusError(400);
    if (step === 'abort') throw abortError();
    return 'ok';
  });
  return { fn, next: (...steps: typeof script) => script.push(...steps) };
}

const breakers: Array<{ shutdown(): void }> = [];
function make<A extends unknown[], R>(fn: (...args: A) => Promise<R>, opts: BreakerOptions<A, R> = {}): CircuitBreaker<A, R> {
  const b = createCircuitBreaker(fn, { name: 'test', isFailure: (e) => !(e instanceof HttpStatusError && e.status < 500), ...opts });
  breakers.push(b);
  return b;
}

async function failTimes(b: CircuitBreaker<[], string>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await b.fire().catch(() => undefined);
}

/** Opens `b` (5 failures) and lets 30 s pass so it is half-open. */
async function toHalfOpen(b: CircuitBreaker<[], string>, up: ReturnType<typeof upstream>): Promise<void> {
  up.next('fail', 'fail', 'fail', 'fail', 'fail');
  await failTimes(b, 5);
  expect(b.state).toBe('OPEN');
  await vi.advanceTimersByTimeAsync(30_000);
  expect(b.state).toBe('HALF_OPEN');
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const b of breakers.splice(0)) b.shutdown();
  vi.useRealTimers();
});

describe('circuit breaker (consecutive mode, the defaults)', () => {
  it('opens after five consecutive failures and then refuses without calling upstream', async () => {
    const up = upstream();
    const b = make(up.fn);
    const opened = vi.fn();
    b.on('open', opened);

    up.next('fail', 'fail', 'fail', 'fail');
    await failTimes(b, 4);
    expect(b.state).toBe('CLOSED');
    up.next('fail');
    await failTimes(b, 1);
    expect(b.state).toBe('OPEN');
    expect(opened).toHaveBeenCalledTimes(1);

    const err = await b.fire().catch((e: unknown) => e);
    expect(isBreakerOpenError(err)).toBe(true);
    expect((err as BreakerOpenError).code).toBe('CIRCUIT_OPEN');
    expect((err as BreakerOpenError).retryAfterMs).toBe(30_000);
    expect(up.fn).toHaveBeenCalledTimes(5);
  });

  it('a success in between resets the failure count', async () => {
    const up = upstream();
    const b = make(up.fn);
    up.next('fail', 'fail', 'fail', 'fail', 'ok', 'fail', 'fail', 'fail', 'fail');
    await failTimes(b, 9);
    expect(b.state).toBe('CLOSED');
    expect(b.consecutiveFailures).toBe(4);
  });

  it('stays open for 30 s, counting retryAfterMs down, then half-opens', async () => {
    const up = upstream();
    const b = make(up.fn);
    const halfOpen = vi.fn();
    b.on('halfOpen', halfOpen);
    up.next('fail', 'fail', 'fail', 'fail', 'fail');
    await failTimes(b, 5);

    await vi.advanceTimersByTimeAsync(29_999);
    expect(b.state).toBe('OPEN');
    const err = (await b.fire().catch((e: unknown) => e)) as BreakerOpenError;
    expect(err.retryAfterMs).toBe(1);
    expect(halfOpen).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(1);
    expect(b.state).toBe('HALF_OPEN');
    expect(halfOpen).toHaveBeenCalledTimes(1);
  });

  it('closes when the half-open probe succeeds', async () => {
    const up = upstream();
    const b = make(up.fn);
    const closed = vi.fn();
    b.on('close', closed);
    await toHalfOpen(b, up);

    await expect(b.fire()).resolves.toBe('ok');
    expect(b.state).toBe('CLOSED');
    expect(closed).toHaveBeenCalledTimes(1);
    expect(b.consecutiveFailures).toBe(0);
  });

  it('reopens for another 30 s when the half-open probe fails', async () => {
    const up = upstream();
    const b = make(up.fn);
    await toHalfOpen(b, up);

    up.next('fail');
    await expect(b.fire()).rejects.toBeInstanceOf(HttpStatusError);
    expect(b.state).toBe('OPEN');
    expect(b.retryAfterMs).toBe(30_000);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(b.state).toBe('HALF_OPEN');
  });

  it('emits success and failure with latency, and on() returns a working disposer', async () => {
    const b = make(async (ms: number, ok: boolean) => {
      await new Promise((r) => setTimeout(r, ms));
      if (!ok) throw new Error('boom');
      return ms;
    });
    const successes: number[] = [];
    const failures: Array<[unknown, number]> = [];
    const dispose = b.on('success', (latencyMs) => successes.push(latencyMs));
    b.on('failure', (err, latencyMs) => failures.push([err, latencyMs]));

    const call = b.fire(120, true);
    await vi.advanceTimersByTimeAsync(120);
    await call;
    const failing = b.fire(40, false).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(40);
    await failing;
    dispose();
    const again = b.fire(0, true);
    await vi.advanceTimersByTimeAsync(0);
    await again;

    expect(successes).toEqual([120]);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.[1]).toBe(40);
  });

  it('a call admitted before the breaker opened cannot close it later by succeeding late', async () => {
    const slow = deferred<string>();
    let calls = 0;
    const b = make(async () => {
      calls++;
      if (calls === 1) return slow.promise;
      throw new HttpStatusError(503);
    });
    const stale = b.fire();
    await failTimes(b as CircuitBreaker<[], string>, 5);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(b.state).toBe('HALF_OPEN');

    slow.resolve('late');
    await expect(stale).resolves.toBe('late');
    expect(b.state).toBe('HALF_OPEN');
  });

  it('uses the fallback when refused or failed, and emits fallback', async () => {
    const up = upstream();
    const b = make(up.fn, { fallback: (err) => Promise.resolve(isBreakerOpenError(err) ? 'cached' : 'degraded') });
    const fallbacks = vi.fn();
    b.on('fallback', fallbacks);
    up.next('fail', 'fail', 'fail', 'fail', 'fail');
    for (let i = 0; i < 5; i++) await expect(b.fire()).resolves.toBe('degraded');
    await expect(b.fire()).resolves.toBe('cached');
    expect(fallbacks).toHaveBeenCalledTimes(6);
  });

  it('a throwing listener does not break the call', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const up = upstream();
    const b = make(up.fn);
    b.on('success', () => {
      throw new Error('metrics broke');
    });
    await expect(b.fire()).resolves.toBe('ok');
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('refuses every call after shutdown', async () => {
    const up = upstream();
    const b = make(up.fn);
    b.shutdown();
    await expect(b.fire()).rejects.toSatisfy(isBreakerOpenError);
    expect(up.fn).not.toHaveBeenCalled();
  });
});

describe('opossum pitfalls', () => {
  it('1. capacity rejections are not counted as upstream failures', async () => {
    const gate = deferred<string>();
    const b = make(async () => gate.promise, { capacity: 2 });
    const failures = vi.fn();
    const rejects = vi.fn();
    b.on('failure', failures);
    b.on('reject', rejects);

    const running = [b.fire(), b.fire()];
    const refused = await Promise.all(Array.from({ length: 10 }, () => b.fire().catch((e: unknown) => e)));
    expect(refused.every(isBulkheadRejectedError)).toBe(true);
    expect(rejects).toHaveBeenCalledTimes(10);
    expect(failures).not.toHaveBeenCalled();
    expect(b.consecutiveFailures).toBe(0);
    expect(b.state).toBe('CLOSED');

    gate.resolve('ok');
    await Promise.all(running);
    await expect(b.fire()).resolves.toBe('ok');
  });

  it('1. (why) opossum on its own counts its semaphore rejections as failures', async () => {
    const gate = deferred<string>();
    const raw = new Opossum(async () => gate.promise, { capacity: 1, timeout: false, volumeThreshold: 0, errorThresholdPercentage: 40 });
    breakers.push(raw);
    const inflight = raw.fire();
    await raw.fire().catch(() => undefined);
    expect(raw.stats.failures).toBe(1);
    expect(raw.opened).toBe(true); // 1 rejection of 2 fires = 50 % > 40 %: opened with the upstream healthy
    gate.resolve('ok');
    await inflight;
  });

  it('2. client cancellations are neutral: they neither reset nor extend the failure count', async () => {
    const up = upstream();
    const b = make(up.fn);
    const events = vi.fn();
    b.on('success', events);
    b.on('failure', events);

    up.next('fail', 'fail', 'fail', 'fail');
    await failTimes(b, 4);
    events.mockClear();
    up.next(...Array.from({ length: 10 }, () => 'abort' as const));
    for (let i = 0; i < 10; i++) await expect(b.fire()).rejects.toMatchObject({ name: 'AbortError' });
    expect(events).not.toHaveBeenCalled();
    expect(b.state).toBe('CLOSED');
    expect(b.consecutiveFailures).toBe(4);

    up.next('fail');
    await failTimes(b, 1);
    expect(b.state).toBe('OPEN');
  });

  it('2. an error after the caller aborted its own signal is neutral, whatever its type', async () => {
    const b = make(async (signal: AbortSignal) => {
      await new Promise((r) => setTimeout(r, 10));
      if (signal.aborted) throw new Error('socket hang up');
      return 'ok';
    });
    for (let i = 0; i < 6; i++) {
      const controller = new AbortController();
      const call = b.fire(controller.signal).catch((e: unknown) => e);
      controller.abort();
      await vi.advanceTimersByTimeAsync(10);
      expect(await call).toMatchObject({ message: 'socket hang up' });
    }
    expect(b.state).toBe('CLOSED');
    expect(b.consecutiveFailures).toBe(0);
  });

  it('2. an aborted half-open probe leaves the breaker half-open and the next call probes', async () => {
    const up = upstream();
    const b = make(up.fn);
    await toHalfOpen(b, up);

    up.next('abort');
    await expect(b.fire()).rejects.toMatchObject({ name: 'AbortError' });
    expect(b.state).toBe('HALF_OPEN');
    await expect(b.fire()).resolves.toBe('ok');
    expect(b.state).toBe('CLOSED');
  });

  it('3. errors filtered as "not a failure" (HTTP 400) do not close a half-open breaker', async () => {
    const up = upstream();
    const b = make(up.fn);
    const closed = vi.fn();
    const successes = vi.fn();
    b.on('close', closed);
    b.on('success', successes);
    await toHalfOpen(b, up);

    up.next('bad-request');
    await expect(b.fire()).rejects.toMatchObject({ status: 400 });
    expect(b.state).toBe('HALF_OPEN');
    expect(closed).not.toHaveBeenCalled();
    expect(successes).not.toHaveBeenCalled();

    // the slot was released: the next call is the probe, and only a real success closes
    up.next('fail');
    await expect(b.fire()).rejects.toMatchObject({ status: 503 });
    expect(b.state).toBe('OPEN');
  });

  it('3. in the closed state filtered errors neither count nor reset the failure count', async () => {
    const up = upstream();
    const b = make(up.fn);
    up.next('fail', 'fail', 'bad-request', 'bad-request', 'fail', 'fail');
    await failTimes(b, 6);
    expect(b.consecutiveFailures).toBe(4);
    expect(b.state).toBe('CLOSED');
  });

  it('3. (why) opossum on its own closes a half-open breaker on a filtered error', async () => {
    let fail = true;
    const raw = new Opossum(
      async () => {
        if (fail) throw new HttpStatusError(503);
        throw new HttpStatusError(400);
      },
      { timeout: false, resetTimeout: 30_000, errorFilter: (e: HttpStatusError) => e.status < 500 },
    );
    breakers.push(raw);
    await raw.fire().catch(() => undefined);
    expect(raw.opened).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(raw.halfOpen).toBe(true);
    fail = false;
    await raw.fire().catch(() => undefined);
    expect(raw.closed).toBe(true);
  });

  it('4. 50 concurrent calls at half-open: exactly one reaches upstream, 49 are refused at once', async () => {
    const up = upstream();
    const b = make(up.fn);
    await toHalfOpen(b, up);
    const probe = deferred<string>();
    up.fn.mockImplementationOnce(() => probe.promise);
    const callsBefore = up.fn.mock.calls.length;

    const calls = Array.from({ length: 50 }, () => b.fire().then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    ));
    // the 49 settle before the probe answers
    const refused = await Promise.all(calls.slice(1));
    expect(refused.every((r) => !r.ok && isBreakerOpenError(r.e))).toBe(true);
    expect(up.fn.mock.calls.length - callsBefore).toBe(1);

    probe.resolve('ok');
    await expect(calls[0]).resolves.toEqual({ ok: true, v: 'ok' });
    expect(b.state).toBe('CLOSED');
  });

  describe('5. the half-open slot is always released', () => {
    it('after a success (closed, calls flow)', async () => {
      const up = upstream();
      const b = make(up.fn);
      await toHalfOpen(b, up);
      await b.fire();
      await expect(Promise.all([b.fire(), b.fire()])).resolves.toEqual(['ok', 'ok']);
    });

    it('after a failure (a new probe happens after the next 30 s)', async () => {
      const up = upstream();
      const b = make(up.fn);
      await toHalfOpen(b, up);
      up.next('fail');
      await b.fire().catch(() => undefined);
      await vi.advanceTimersByTimeAsync(30_000);
      await expect(b.fire()).resolves.toBe('ok');
      expect(b.state).toBe('CLOSED');
    });

    it('after a timeout (counted as failure, emits timeout, a later probe happens)', async () => {
      const never = vi.fn((): Promise<string> => new Promise(() => undefined));
      const up = upstream();
      const b = make((): Promise<string> => (up.fn.mock.calls.length >= 5 && never.mock.calls.length === 0 ? never() : up.fn()), { timeoutMs: 1_000 });
      const timeouts = vi.fn();
      b.on('timeout', timeouts);
      await toHalfOpen(b, up);

      const probe = b.fire().catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(isTimeoutError(await probe)).toBe(true);
      expect(timeouts).toHaveBeenCalledTimes(1);
      expect(b.state).toBe('OPEN');
      await vi.advanceTimersByTimeAsync(30_000);
      await expect(b.fire()).resolves.toBe('ok');
      expect(b.state).toBe('CLOSED');
    });

    it('after an abort and after a synchronous throw', async () => {
      let mode: 'abort' | 'throw' | 'ok' = 'abort';
      const up = upstream();
      const b = make((): Promise<string> => {
        if (up.fn.mock.calls.length < 5) return up.fn();
        if (mode === 'abort') return Promise.reject(abortError());
        if (mode === 'throw') throw new TimeoutError(5);
        return Promise.resolve('ok');
      });
      await toHalfOpen(b, up);
      await expect(b.fire()).rejects.toMatchObject({ name: 'AbortError' });
      expect(b.state).toBe('HALF_OPEN');
      mode = 'throw';
      await expect(b.fire()).rejects.toSatisfy(isTimeoutError);
      expect(b.state).toBe('OPEN');
      await vi.advanceTimersByTimeAsync(30_000);
      mode = 'ok';
      await expect(b.fire()).resolves.toBe('ok');
    });
  });
});

describe('circuit breaker (percentage mode)', () => {
  it('opens when the failure rate in the window exceeds the threshold with enough volume', async () => {
    const up = upstream();
    const b = make(up.fn, { mode: 'percentage', errorThresholdPercentage: 50, volumeThreshold: 4, rollingCountTimeoutMs: 10_000 });
    up.next('ok', 'fail', 'ok', 'fail');
    await failTimes(b, 4);
    expect(b.state).toBe('CLOSED'); // 50 % is not above 50 %
    up.next('fail');
    await failTimes(b, 1);
    expect(b.state).toBe('OPEN'); // 3/5 = 60 %
  });

  it('ignores neutral outcomes in the rate', async () => {
    const up = upstream();
    const b = make(up.fn, { mode: 'percentage', errorThresholdPercentage: 50, volumeThreshold: 2 });
    up.next('fail', 'abort', 'bad-request', 'abort', 'ok');
    await failTimes(b, 5);
    expect(b.state).toBe('CLOSED'); // 1 failure / 2 counted calls = 50 %
    up.next('fail');
    await failTimes(b, 1);
    expect(b.state).toBe('OPEN');
  });

  it('forgets failures older than the rolling window', async () => {
    const up = upstream();
    const b = make(up.fn, { mode: 'percentage', errorThresholdPercentage: 50, volumeThreshold: 3, rollingCountTimeoutMs: 10_000 });
    up.next('fail', 'fail');
    await failTimes(b, 2);
    await vi.advanceTimersByTimeAsync(11_000);
    up.next('ok', 'ok', 'fail');
    await failTimes(b, 3);
    expect(b.state).toBe('CLOSED');
  });
});
