import { afterEach, describe, expect, it, vi } from 'vitest';
import { FaultController } from './faults.js';
import { mulberry32 } from './prng.js';

describe('FaultController', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fails every request with failAll, limited to the listed deployments', () => {
    const faults = new FaultController(mulberry32(1));
    faults.set({ failAll: true, status: 503, retryAfterMs: 2000, deployments: ['gpt-4o'] });
    expect(faults.decide('gpt-4o')).toEqual({ kind: 'error', status: 503, retryAfterMs: 2000 });
    expect(faults.decide('gpt-4o-mini')).toEqual({ kind: 'none' });
  });

  it('fails about errorRate of the requests, reproducibly for a seed', () => {
    const run = (): number => {
      const faults = new FaultController(mulberry32(9));
      faults.set({ errorRate: 0.3 });
      return Array.from({ length: 2000 }, () => faults.decide('d')).filter((d) => d.kind === 'error').length;
    };
    const failed = run();
    expect(failed / 2000).toBeGreaterThan(0.27);
    expect(failed / 2000).toBeLessThan(0.33);
    expect(run()).toBe(failed);
  });

  it('hangs every request with hang alone', () => {
    const faults = new FaultController(mulberry32(1));
    faults.set({ hang: true });
    expect(faults.decide('d')).toEqual({ kind: 'hang' });
  });

  it('clears itself after durationMs', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const faults = new FaultController(mulberry32(1));
    faults.set({ failAll: true, durationMs: 5_000 });
    vi.advanceTimersByTime(4_999);
    expect(faults.decide('d').kind).toBe('error');
    vi.advanceTimersByTime(1);
    expect(faults.decide('d').kind).toBe('none');
    expect(faults.get()).toEqual({ faults: {}, active: false });
  });

  it('rejects invalid settings and keeps the previous ones', () => {
    const faults = new FaultController(mulberry32(1));
    faults.set({ failAll: true });
    expect(() => faults.set({ errorRate: 2 })).toThrow();
    expect(() => faults.set({ status: 404 })).toThrow();
    expect(() => faults.set({ surprise: true })).toThrow();
    expect(faults.get().faults).toEqual({ failAll: true });
  });
});
