import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalScraper } from './scraper.js';

const POOL = { pool_enabled: true, active_connections: 3, total_requests: 9, total_errors: 1, avg_wait_time_ms: 2, timestamp: 'x' };
const servers: Server[] = [];

/** A local HTTP server answering the given path → JSON bodies (404 otherwise). */
async function serve(routes: Record<string, unknown>): Promise<string> {
  const server = createServer((req, res) => {
    const body = routes[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('signal scraper', () => {
  it("reads the gateway's /api/v1/pool/stats and an agent's /v1/pool/stats aggregate, and skips services with neither", async () => {
    const gateway = await serve({
      '/metrics': 'http_server_requests_in_flight 2\n',
      '/api/v1/pool/stats': { ...POOL, pool_size: 200, available_connections: 197, circuit_breaker_state: 'HALF_OPEN' },
    });
    const agent = await serve({
      '/metrics': 'http_server_requests_in_flight 1\n',
      '/v1/pool/stats': {
        aggregate: { ...POOL, pool_size: 100, available_connections: 97, circuit_breaker_state: 'OPEN' },
        deployments: { large: { ...POOL, pool_size: 50, available_connections: 47, circuit_breaker_state: 'OPEN' } },
      },
    });
    const plain = await serve({ '/metrics': 'http_server_requests_in_flight 0\n' });
    const scraper = new SignalScraper({ services: { gateway, 'response-generator': agent, critic: plain }, now: () => 1500 });

    expect((await scraper.discoverPoolStats()).sort()).toEqual(['gateway', 'response-generator']);
    const sample = await scraper.scrapeOnce();
    expect(sample.t).toBe(1.5);
    expect(sample.pool).toEqual({
      gateway: { size: 200, active: 3, available: 197, state: 'HALF_OPEN', avgWaitMs: 2, totalRequests: 9, totalErrors: 1 },
      'response-generator': { size: 100, active: 3, available: 97, state: 'OPEN', avgWaitMs: 2, totalRequests: 9, totalErrors: 1 },
    });
    expect(sample.services.critic).toEqual({ up: true, inFlight: 0 });
  });

  it('records a service that does not answer as down', async () => {
    const gone = await serve({});
    const scraper = new SignalScraper({ services: { gone }, now: () => 0 });
    expect(await scraper.discoverPoolStats()).toEqual([]);
    expect((await scraper.scrapeOnce()).services.gone).toEqual({ up: false });
  });
});
