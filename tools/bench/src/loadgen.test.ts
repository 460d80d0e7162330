import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClosed, runOpen } from './loadgen.js';
import { startUpstream, type Upstream } from './upstream.js';

const DELAY_MS = 20;
const chat = { method: 'POST' as const, path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: (i: number) => JSON.stringify({ i }) };

describe('load generator against a server with a known 20 ms delay', () => {
  let upstream: Upstream;
  beforeAll(async () => {
    upstream = await startUpstream({ delayMs: DELAY_MS });
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('closed model: latency near the delay and throughput near connections / delay', async () => {
    const r = await runClosed({ target: { origin: upstream.url, request: chat }, connections: 4, durationMs: 1_000, warmupMs: 200 });
    expect(r.errorCount).toBe(0);
    expect(r.latency.p50Ms).toBeGreaterThanOrEqual(DELAY_MS);
    expect(r.latency.p50Ms).toBeLessThan(DELAY_MS + 15);
    // 4 connections × (1000 / ~21 ms) ≈ 190 rps; timers may run late on a busy machine, never early.
    expect(r.throughputRps).toBeGreaterThan(100);
    expect(r.throughputRps).toBeLessThanOrEqual(4 * (1000 / DELAY_MS));
    expect(r.maxInFlight).toBe(4);
  });

  it('open model: sends exactly rate × duration and measures the delay', async () => {
    const r = await runOpen({ target: { origin: upstream.url, request: chat }, rate: 200, durationMs: 1_000, warmupMs: 200 });
    expect(r.sent).toBe(200);
    expect(r.ok).toBe(200);
    expect(r.latency.p50Ms).toBeGreaterThanOrEqual(DELAY_MS);
    expect(r.latency.p50Ms).toBeLessThan(DELAY_MS + 15);
    // Little's law: ~200 rps × 21 ms ≈ 4 outstanding.
    expect(r.meanInFlight).toBeGreaterThan(2);
    expect(r.meanInFlight).toBeLessThan(10);
  });

  it('open model counts queueing from the intended send time (no coordinated omission)', async () => {
    // One connection serves at most 50 rps; 100 rps arrive, so the backlog (and latency) grows through the run.
    const r = await runOpen({ target: { origin: upstream.url, request: chat }, rate: 100, durationMs: 1_000, maxConnections: 1 });
    expect(r.ok).toBe(100);
    // The last arrival (t ≈ 1 s) waits for ~99 earlier requests at ~20 ms each: ~1 s of queueing.
    expect(r.latency.maxMs).toBeGreaterThan(800);
    expect(r.latency.p50Ms).toBeGreaterThan(200);
  });

  it('counts non-2xx answers as errors by status and error code', async () => {
    const r = await runClosed({ target: { origin: upstream.url, request: { path: '/nope' } }, connections: 1, durationMs: 200 });
    expect(r.ok).toBe(0);
    expect(r.errorCount).toBeGreaterThan(0);
    expect(Object.keys(r.errors)).toEqual(['http_404:not_found']);
  });
});
