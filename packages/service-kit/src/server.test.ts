import { connect } from 'node:net';
import { Agent, get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from '@supportmesh/telemetry';
import { createCapturingLogger } from '@supportmesh/telemetry/testing';
import { createServiceApp, type ServiceApp } from './app.js';
import { startServer, type RunningServer, type StartServerOptions } from './server.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(url: string, agent: Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const running: RunningServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const r of running.splice(0)) {
    r.server.closeAllConnections();
    await r.close();
  }
});

async function start(opts: Partial<StartServerOptions> = {}) {
  const entered = deferred();
  const release = deferred();
  const { logger, records } = createCapturingLogger('svc');
  const serviceApp: ServiceApp = createServiceApp({
    service: 'svc',
    logger,
    metrics: createMetrics({ service: 'svc', collectDefaults: false }),
    configure: (app) => {
      app.get('/slow', async (_req, res) => {
        entered.resolve();
        await release.promise;
        res.json({ done: true });
      });
    },
  });
  const handle = await startServer(serviceApp, {
    port: 0,
    host: '127.0.0.1',
    logger,
    exitProcess: false,
    handleSignals: false,
    ...opts,
  });
  running.push(handle);
  return { handle, serviceApp, entered, release, records, url: `http://127.0.0.1:${handle.port}` };
}

describe('startServer graceful shutdown', () => {
  it('finishes a slow in-flight request with 200 while /ready says 503 and new connections are refused', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const onShutdown = vi.fn(async () => undefined);
    const { handle, entered, release, url } = await start({ drainDelayMs: 5_000, shutdownTimeoutMs: 10_000, onShutdown });

    const slow = get(`${url}/slow`);
    await entered.promise;
    const closing = handle.close();

    // readiness flips at once; during the drain delay the server still accepts (endpoints are being updated)
    const ready = await get(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'draining' });

    await vi.advanceTimersByTimeAsync(5_000);
    expect(handle.server.listening).toBe(false);
    await expect(get(`${url}/health`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(onShutdown).not.toHaveBeenCalled();

    release.resolve();
    const done = await slow;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.body)).toEqual({ done: true });
    expect(done.headers['connection']).toBe('close');

    await closing;
    expect(onShutdown).toHaveBeenCalledTimes(1);
  });

  it('cuts requests still running at shutdownTimeoutMs, then runs onShutdown', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const onShutdown = vi.fn(async () => undefined);
    const { handle, entered, url, records } = await start({ shutdownTimeoutMs: 1_000, onShutdown });
    const stuck = get(`${url}/slow`).catch((e: unknown) => e);
    await entered.promise;

    const closing = handle.close();
    await vi.advanceTimersByTimeAsync(999);
    expect(onShutdown).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(await stuck).toMatchObject({ code: 'ECONNRESET' });
    await closing;
    expect(onShutdown).toHaveBeenCalledTimes(1);
    expect(records().some((r) => r['msg'] === 'shutdown deadline passed; closing remaining connections')).toBe(true);
  });

  it('closes idle keep-alive connections at once instead of waiting for their timeout', async () => {
    const { handle, url } = await start();
    handle.server.keepAliveTimeout = 120_000; // a leftover idle socket would outlive the test timeout
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(`${url}/health`, agent);
    expect(first.status).toBe(200);
    const sockets = Object.values(agent.freeSockets).flat();
    expect(sockets).toHaveLength(1);
    const socketClosed = new Promise<void>((resolve) => sockets[0]?.once('close', () => resolve()));

    await handle.close();
    await socketClosed;
    agent.destroy();
  });

  it('SIGTERM and SIGINT start the same shutdown as close(), and the handlers are removed afterwards', async () => {
    const before = process.listeners('SIGTERM').length;
    const { handle, serviceApp } = await start({ handleSignals: true });
    const added = process.listeners('SIGTERM').slice(before);
    expect(added).toHaveLength(1);
    expect(process.listeners('SIGINT')).toContain(added[0]);

    (added[0] as (signal: NodeJS.Signals) => void)('SIGTERM');
    expect(serviceApp.draining).toBe(true);
    await handle.close();
    expect(handle.server.listening).toBe(false);
    expect(process.listeners('SIGTERM')).not.toContain(added[0]);
    expect(process.listeners('SIGINT')).not.toContain(added[0]);
  });

  it('close() is idempotent', async () => {
    const onShutdown = vi.fn(async () => undefined);
    const { handle } = await start({ onShutdown });
    const [a, b] = [handle.close(), handle.close()];
    expect(a).toBe(b);
    await a;
    expect(onShutdown).toHaveBeenCalledTimes(1);
  });
});

/** Writes raw bytes to the server and reads everything it answers until it closes the connection. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (out += d));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('startServer malformed HTTP', () => {
  it.each([
    ['Content-Length with Transfer-Encoding', 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc'],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost: a\r\nBroken header\r\n\r\n'],
    ['an unknown HTTP version', 'GET / HTTP/9.9\r\nHost: a\r\n\r\n'],
    ['a bad chunk size in the body', 'POST /slow HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
  ])('answers %s with 400 in the error envelope and a correlation id', async (_name, request) => {
    const { handle } = await start();
    const reply = await raw(handle.port, request);
    const [head, body] = reply.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/x-correlation-id: [0-9a-f-]{36}/);
    expect(JSON.parse(body as string)).toMatchObject({ error: { code: 'MALFORMED_REQUEST', correlationId: expect.any(String) } });
  });

  it('answers oversize headers with 431 in the error envelope', async () => {
    const { handle } = await start();
    const reply = await raw(handle.port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(reply.split('\r\n\r\n')[1] as string)).toMatchObject({ error: { code: 'HEADERS_TOO_LARGE' } });
  });
});
