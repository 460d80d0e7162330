import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.js';
import { createRandom } from './messages.js';
import { arrivalTimes, runOpenModel, type Arrival } from './open-model.js';

/** A local server that answers at once, except that it freezes completely once (like a long GC pause). */
async function startStallingServer(stallAtRequest: number, stallMs: number): Promise<{ url: string; server: Server }> {
  let count = 0;
  let stallUntil = 0;
  const server = createServer((_req, res) => {
    count++;
    if (count === stallAtRequest) stallUntil = Date.now() + stallMs;
    setTimeout(() => res.end('ok'), Math.max(0, stallUntil - Date.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

describe('open-model scheduler', () => {
  it('measures from the intended send time, so a server stall shows up in the percentiles (no coordinated omission)', async () => {
    const stalling = await startStallingServer(10, 800);
    server = stalling.server;
    const latency = new LatencyHistogram();
    const serviceTime = new LatencyHistogram();
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const stats = await runOpenModel({
      steps: [{ name: 'steady', startS: 0, endS: 2, rps: 50 }],
      maxInFlight: 1,
      maxBacklog: 10_000,
      now,
      drainTimeoutMs: 5000,
      onDrop: () => undefined,
      send: async (a: Arrival, signal) => {
        const sentAt = now();
        await (await fetch(stalling.url, { signal })).text();
        latency.record(now() - a.intendedAt);
        serviceTime.record(now() - sentAt);
      },
    });

    expect(stats).toEqual({ scheduled: 100, sent: 100, dropped: 0 });
    // ~40 arrivals fall inside the 800 ms freeze: they wait in the backlog and that wait is latency.
    expect(latency.percentile(90)).toBeGreaterThan(300);
    expect(latency.percentile(75)).toBeGreaterThan(100);
    // A naive tool timing from the actual send sees a single slow request.
    expect(serviceTime.percentile(90)).toBeLessThan(100);
    expect(serviceTime.percentile(100)).toBeGreaterThan(700);
  });

  it('drops arrivals beyond the backlog bound and reports them instead of waiting forever', async () => {
    const stalling = await startStallingServer(1, 500);
    server = stalling.server;
    const t0 = performance.now();
    const dropped: Arrival[] = [];
    const stats = await runOpenModel({
      steps: [{ name: 'steady', startS: 0, endS: 0.3, rps: 100 }],
      maxInFlight: 2,
      maxBacklog: 3,
      now: () => performance.now() - t0,
      drainTimeoutMs: 5000,
      onDrop: (a) => dropped.push(a),
      send: async (_a, signal) => {
        await (await fetch(stalling.url, { signal })).text();
      },
    });
    expect(stats.scheduled).toBe(30);
    expect(stats.sent).toBeLessThan(30);
    expect(stats.dropped).toBe(30 - stats.sent);
    expect(dropped).toHaveLength(stats.dropped);
  });

  it('stops scheduling when asked to stop and lets in-flight requests finish', async () => {
    const stop = new AbortController();
    const t0 = performance.now();
    let sent = 0;
    const stats = await runOpenModel({
      steps: [{ name: 'steady', startS: 0, endS: 30, rps: 100 }],
      maxInFlight: 10,
      maxBacklog: 100,
      now: () => performance.now() - t0,
      stop: stop.signal,
      drainTimeoutMs: 1000,
      onDrop: () => undefined,
      send: async () => {
        if (++sent === 5) stop.abort();
      },
    });
    expect(stats.scheduled).toBe(5);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('arrival times', () => {
  it('spaces uniform arrivals evenly inside each step', () => {
    const times = [...arrivalTimes([{ name: 'a', startS: 0, endS: 1, rps: 4 }, { name: 'b', startS: 1, endS: 2, rps: 2 }])];
    expect(times).toEqual([0, 250, 500, 750, 1000, 1500]);
  });

  it('draws poisson arrivals at the requested mean rate', () => {
    const times = [...arrivalTimes([{ name: 'a', startS: 0, endS: 100, rps: 50 }], 'poisson', createRandom(7))];
    expect(times.length).toBeGreaterThan(4700);
    expect(times.length).toBeLessThan(5300);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
  });
});
