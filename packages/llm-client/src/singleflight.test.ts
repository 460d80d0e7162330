import { describe, expect, it } from 'vitest';
import { SingleFlight } from './singleflight.js';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs identical concurrent calls once and hands every caller the result', async () => {
    const flights = new SingleFlight<string>();
    const gate = deferred<string>();
    let calls = 0;
    const work = (): Promise<string> => {
      calls++;
      return gate.promise;
    };
    const all = Promise.all(Array.from({ length: 10 }, () => flights.do('k', work)));
    gate.resolve('answer');
    const results = await all;
    expect(calls).toBe(1);
    expect(results.map((r) => r.value)).toEqual(Array(10).fill('answer'));
    expect(results.filter((r) => r.shared)).toHaveLength(9);
    expect(flights.size).toBe(0);
  });

  it('shares failures too, and starts afresh after the flight lands', async () => {
    const flights = new SingleFlight<string>();
    const boom = new Error('upstream down');
    const both = Promise.allSettled([flights.do('k', () => Promise.reject(boom)), flights.do('k', () => Promise.resolve('never'))]);
    expect((await both).map((r) => (r.status === 'rejected' ? r.reason : r.value))).toEqual([boom, boom]);
    await expect(flights.do('k', () => Promise.resolve('fresh'))).resolves.toEqual({ value: 'fresh', shared: false });
  });

  it('one caller aborting leaves the shared call running for the others', async () => {
    const flights = new SingleFlight<string>();
    const gate = deferred<string>();
    let upstreamSignal: AbortSignal | undefined;
    const a = new AbortController();
    const first = flights.do('k', (s) => ((upstreamSignal = s), gate.promise), a.signal);
    const second = flights.do('k', () => Promise.resolve('unused'), new AbortController().signal);
    a.abort(new Error('caller left'));
    await expect(first).rejects.toThrow('caller left');
    expect(upstreamSignal?.aborted).toBe(false);
    gate.resolve('ok');
    await expect(second).resolves.toEqual({ value: 'ok', shared: true });
  });

  it('cancels the shared call when every caller has aborted', async () => {
    const flights = new SingleFlight<string>();
    let upstreamSignal: AbortSignal | undefined;
    const a = new AbortController();
    const b = new AbortController();
    const work = (s: AbortSignal): Promise<string> => {
      upstreamSignal = s;
      return new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason)));
    };
    const p1 = flights.do('k', work, a.signal);
    const p2 = flights.do('k', work, b.signal);
    a.abort();
    b.abort();
    await Promise.allSettled([p1, p2]);
    expect(upstreamSignal?.aborted).toBe(true);
    expect(flights.size).toBe(0);
  });
});
