import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScenario } from './runner.js';
import { findScenario, scaleScenario, withDuration, type Scenario } from './scenarios.js';
import { startFakeGateway, type FakeStack } from './testing/index.js';

let fake: FakeStack;
const scenario = (name: string): Scenario => {
  const s = findScenario(name);
  if (!s) throw new Error(name);
  return s;
};

beforeEach(async () => {
  fake = await startFakeGateway({ apiKey: 'test-key' });
});
afterEach(async () => {
  await fake.close();
});

describe('end to end against a stand-in for the gateway: resilience scenarios', () => {
  it('drives the fault endpoint itself and sees the breaker open, fail fast and recover', async () => {
    const s = withDuration(scaleScenario(scenario('circuit-breaker'), 3), 3);
    const r = await runScenario({
      scenario: s,
      endpoint: fake.url,
      apiKey: 'test-key',
      services: { gateway: fake.url },
      emulatorUrl: fake.emulatorUrl,
      scrapeIntervalMs: 100,
      recoveryTimeoutS: 5,
    });
    expect(r.circuitBreaker).toMatchObject({ faultInjected: true, faultStartS: 0.5, faultEndS: 2 });
    expect(r.circuitBreaker?.openedAtS).toBeGreaterThan(0.5);
    expect(r.circuitBreaker?.failFastMs.count).toBeGreaterThan(5);
    expect(r.circuitBreaker?.recoveredAtS).toBeGreaterThan(2);
    expect(r.degradedByHop.respond).toBeGreaterThan(0);
    expect(r.phases.map((p) => p.name)).toEqual(['before outage', 'outage', 'after outage']);
    expect(r.slos.map((x) => [x.id, x.status])).toEqual([
      ['breaker-opened', 'pass'],
      ['fail-fast-p99', 'pass'],
      ['breaker-recovered', 'pass'],
      ['error-rate', 'pass'],
    ]);
    expect(r.passed).toBe(true);
  });

  it('stops the capacity search at the first step that breaks the step SLO', async () => {
    const slowAfter = await startSlowingGateway(30, 300);
    try {
      const s = { ...withDuration(scenario('capacity'), 3.2), capacity: { p95Ms: 200, maxErrorRate: 0.001 } };
      const r = await runScenario({ scenario: s, endpoint: slowAfter.url, apiKey: 'k', services: {}, emulatorUrl: slowAfter.url });
      expect(r.capacity?.lastPassingRps).not.toBeNull();
      expect(r.capacity?.firstFailingRps).toBeGreaterThan(r.capacity?.lastPassingRps ?? Infinity);
      expect(r.phases.at(-1)?.passed).toBe(false);
      expect(r.phases.length).toBeLessThan(16);
      expect(r.slos[0]).toMatchObject({ id: 'capacity', status: 'pass' });
    } finally {
      await slowAfter.close();
    }
  });

});

/** A stand-in gateway whose latency jumps to `slowMs` once it has served `fastRequests` chats (for the capacity search). */
async function startSlowingGateway(fastRequests: number, slowMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  let n = 0;
  const server = createServer((req, res) => {
    if (req.url === '/health') return void res.end('ok');
    if (req.url !== '/v1/chat') return void res.writeHead(404).end();
    const slow = ++n > fastRequests;
    const body = JSON.stringify({
      conversationId: `c${n}`,
      reply: 'ok',
      intent: 'track_order',
      confidence: 0.9,
      escalated: false,
      citations: [],
      latencyMs: { total: 1, perHop: { respond: 1 } },
      degraded: [],
    });
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), slow ? slowMs : 1);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
