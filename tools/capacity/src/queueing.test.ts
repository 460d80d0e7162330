import { describe, expect, it } from 'vitest';
import { erlangC, FluidQueue, lognormalMoments, mmc, p95FromMoments, serviceTimeFromMeanP95, withProbability } from './queueing.js';
import { mixtureQuantile } from './stats.js';

describe('M/M/c latency', () => {
  it('matches Erlang C closed forms: c=1 → ρ, c=2 with a=1 → 1/3', () => {
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(2000, 10)).toBeLessThan(1e-12);
    expect(erlangC(3, 3)).toBe(1);
  });

  it('gives the M/M/1 mean response time 1/(μ−λ) for exponential service', () => {
    const q = mmc({ lambda: 8, servers: 1, service: { mean: 0.1, variance: 0.01 } });
    expect(q.response.mean).toBeCloseTo(1 / (10 - 8), 10);
    expect(q.rhoSlots).toBeCloseTo(0.8);
    expect(q.capacity).toBeCloseTo(10);
  });

  it('reports saturation at ρ ≥ 1 on slots or on CPU', () => {
    expect(mmc({ lambda: 11, servers: 1, service: { mean: 0.1, variance: 0.01 } }).saturated).toBe(true);
    const cpu = mmc({ lambda: 300, servers: 1000, service: { mean: 0.1, variance: 0 }, cpuSeconds: 0.004, cpuCores: 1 });
    expect(cpu.rhoCpu).toBeCloseTo(1.2);
    expect(cpu.saturated).toBe(true);
    expect(cpu.capacity).toBeCloseTo(250);
  });

  it('stretches the CPU part of the service time as the CPU gets busy', () => {
    const idle = mmc({ lambda: 1, servers: 100, service: { mean: 0.1, variance: 0 }, cpuSeconds: 0.01, cpuCores: 1 });
    const busy = mmc({ lambda: 90, servers: 100, service: { mean: 0.1, variance: 0 }, cpuSeconds: 0.01, cpuCores: 1 });
    expect(busy.response.mean - idle.response.mean).toBeGreaterThan(0.08);
  });

  it('round-trips a lognormal service time through its moments to the same p95', () => {
    const llm = { p50: 0.45, p95: 1.8 };
    const m = lognormalMoments(llm);
    expect(m.mean).toBeCloseTo(0.642, 3);
    expect(p95FromMoments(m)).toBeCloseTo(1.8, 9);
    const back = serviceTimeFromMeanP95(m.mean, 1.8);
    expect(back.p50).toBeCloseTo(0.45, 6);
  });

  it('mixes an optional hop into the moments and a week of steps into one request-weighted p95', () => {
    const mixed = withProbability({ mean: 1, variance: 0 }, { mean: 2, variance: 0 }, 0.5);
    expect(mixed).toEqual({ mean: 2, variance: 1 });
    // Half the requests at a fixed 1 s, half at a fixed 3 s: the p95 is 3 s.
    expect(mixtureQuantile({ weight: [1, 1], mean: [1, 3], variance: [0, 0] }, 0.95)).toBeCloseTo(3, 6);
    // 99 % of requests fast: the p95 is the fast step's.
    expect(mixtureQuantile({ weight: [99, 1], mean: [1, 3], variance: [0, 0] }, 0.95)).toBeCloseTo(1, 6);
  });
});

describe('fluid backlog under overload', () => {
  it('queues what exceeds capacity, drains it, and drops what would wait longer than the limit', () => {
    const q = new FluidQueue(10);
    expect(q.advance(15, 10, 1)).toBeCloseTo(0.5);
    expect(q.backlog).toBeCloseTo(5);
    q.advance(5, 10, 1);
    expect(q.backlog).toBe(0);
    q.advance(30, 10, 10);
    expect(q.backlog).toBe(100);
    expect(q.dropped).toBe(100);
    q.advance(5, 0, 1);
    expect(q.backlog).toBe(0);
    expect(q.dropped).toBe(205);
  });
});
