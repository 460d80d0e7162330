import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPoolExhaustedError, PoolExhaustedError } from './errors/pool-exhausted-error.js';
import { aggregatePoolStats, ConnectionPool, type PoolStats } from './pool.js';

const STATS_KEYS = [
  'active_connections',
  'available_connections',
  'avg_wait_time_ms',
  'circuit_breaker_state',
  'pool_enabled',
  'pool_size',
  'timestamp',
  'total_errors',
  'total_requests',
];

function pool(overrides: Partial<ConstructorParameters<typeof ConnectionPool>[0]> = {}): ConnectionPool {
  return new ConnectionPool({
    name: 'd1',
    enabled: true,
    minConnections: 0,
    maxConnections: 2,
    connectionTimeoutMs: 1000,
    maxWaiters: 2,
    keepAliveTimeoutMs: 1000,
    ...overrides,
  });
}

describe('ConnectionPool', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grants up to maxConnections slots, then queues waiters first-in first-out', async () => {
    const p = pool();
    const r1 = await p.acquire();
    await p.acquire();
    expect(p.active).toBe(2);
    const order: string[] = [];
    const w1 = p.acquire().then((r) => (order.push('w1'), r));
    const w2 = p.acquire().then((r) => (order.push('w2'), r));
    expect(p.waiting).toBe(2);
    await vi.advanceTimersByTimeAsync(300);
    r1();
    r1(); // releasing twice is harmless
    const rel1 = await w1;
    expect(p.active).toBe(2);
    expect(order).toEqual(['w1']);
    rel1();
    await w2;
    expect(order).toEqual(['w1', 'w2']);
    expect(p.stats('CLOSED').avg_wait_time_ms).toBeCloseTo(((0 + 0 + 300 + 300) / 4), 5);
    await p.close();
  });

  it('fails a waiter with PoolExhaustedError when no slot frees up within the connection timeout', async () => {
    const p = pool({ maxConnections: 1 });
    await p.acquire();
    const waiting = p.acquire();
    const assertion = expect(waiting).rejects.toMatchObject({ code: 'POOL_EXHAUSTED', reason: 'timeout', deployment: 'd1' });
    await vi.advanceTimersByTimeAsync(999);
    expect(p.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await assertion;
    expect(p.waiting).toBe(0);
    expect(p.stats('CLOSED')).toMatchObject({ total_requests: 2, total_errors: 1, active_connections: 1 });
    await p.close();
  });

  it('fails at once when the waiter queue is full', async () => {
    const p = pool({ maxConnections: 1, maxWaiters: 1 });
    await p.acquire();
    const queued = p.acquire();
    const err = await p.acquire().catch((e: unknown) => e);
    expect(isPoolExhaustedError(err)).toBe(true);
    expect((err as PoolExhaustedError).reason).toBe('queue_full');
    await p.close();
    await expect(queued).rejects.toMatchObject({ reason: 'closed' });
  });

  it('a caller aborting while it waits leaves the queue', async () => {
    const p = pool({ maxConnections: 1 });
    const release = await p.acquire();
    const ac = new AbortController();
    const waiting = p.acquire(ac.signal);
    ac.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    expect(p.waiting).toBe(0);
    release();
    expect(p.active).toBe(0);
    await p.close();
  });

  it('reports exactly the seed stats shape; a disabled pool only counts', async () => {
    const p = pool();
    const s = p.stats('HALF_OPEN');
    expect(Object.keys(s).sort()).toEqual(STATS_KEYS);
    expect(s).toMatchObject({ pool_enabled: true, pool_size: 2, available_connections: 2, circuit_breaker_state: 'HALF_OPEN' });
    expect(new Date(s.timestamp).toISOString()).toBe(s.timestamp);
    const off = pool({ enabled: false, maxConnections: 1 });
    await Promise.all([off.acquire(), off.acquire(), off.acquire()]);
    expect(off.stats('CLOSED')).toMatchObject({ pool_enabled: false, pool_size: 0, active_connections: 3, available_connections: 0 });
    await Promise.all([p.close(), off.close()]);
  });
});

describe('aggregatePoolStats', () => {
  it('sums sizes and counts, takes the worst breaker state and weights the wait by grants', () => {
    const part = (s: Partial<PoolStats>, wait: { totalMs: number; count: number }) => ({
      stats: {
        pool_enabled: true,
        pool_size: 50,
        active_connections: 1,
        available_connections: 49,
        total_requests: 10,
        total_errors: 1,
        circuit_breaker_state: 'CLOSED' as const,
        avg_wait_time_ms: 0,
        timestamp: '',
        ...s,
      },
      wait,
    });
    const agg = aggregatePoolStats(
      [part({}, { totalMs: 0, count: 10 }), part({ circuit_breaker_state: 'HALF_OPEN' }, { totalMs: 300, count: 10 }), part({ circuit_breaker_state: 'OPEN', pool_enabled: false, pool_size: 0, available_connections: 0 }, { totalMs: 0, count: 0 })],
      new Date(0),
    );
    expect(agg).toEqual({
      pool_enabled: true,
      pool_size: 100,
      active_connections: 3,
      available_connections: 98,
      total_requests: 30,
      total_errors: 3,
      circuit_breaker_state: 'OPEN',
      avg_wait_time_ms: 15,
      timestamp: '1970-01-01T00:00:00.000Z',
    });
  });
});
