import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer, request as httpsRequest, type Server } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The self-signed certificate the local Cosmos-compatible server ships (local tests only). */
function localCertificate(): { cert: Buffer; key: Buffer } {
  const req = createRequire(path.join(REPO_ROOT, 'tools/dev/package.json'));
  const dir = path.dirname(req.resolve('@vercel/cosmosdb-server/package.json'));
  return { cert: readFileSync(path.join(dir, 'cert.pem')), key: readFileSync(path.join(dir, 'key.pem')) };
}

export type CosmosProxyOutcome = 'forwarded' | 'throttled' | 'dropped' | 'upstream_error';

export interface CosmosProxyEvent {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly outcome: CosmosProxyOutcome;
  readonly status?: number;
}

/**
 * A TLS-terminating HTTP proxy in front of the local Cosmos-compatible server (point the gateway's
 * `COSMOS_ENDPOINT` at `url`). Faults: answer 429 with `x-ms-retry-after-ms` for the next N requests,
 * forward a write and then drop the connection without answering (a lost response), or refuse
 * connections altogether (the listener is closed) until `resume()`.
 */
export class CosmosFaultProxy {
  readonly events: CosmosProxyEvent[] = [];
  #server: Server;
  #port = 0;
  #target: URL | undefined;
  #throttle = 0;
  #throttleAlways = false;
  #retryAfterMs = 100;
  #dropAfterForward = 0;
  readonly #sockets = new Set<Socket>();
  readonly #agent = new HttpsAgent({ keepAlive: true, rejectUnauthorized: false, maxSockets: 32 });
  readonly #tls = localCertificate();

  private constructor() {
    this.#server = this.#makeServer();
  }

  static async start(): Promise<CosmosFaultProxy> {
    const p = new CosmosFaultProxy();
    await p.#listen(0);
    return p;
  }

  get url(): string {
    return `https://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Where requests go (the Cosmos server's `https://127.0.0.1:PORT`); requests wait until it is set. */
  setTarget(url: string): void {
    this.#target = new URL(url);
  }

  /** The next `n` requests are answered 429 (Cosmos `TooManyRequests`, `x-ms-retry-after-ms`). */
  throttle(n: number, retryAfterMs: number): void {
    this.#throttle = n;
    this.#throttleAlways = false;
    this.#retryAfterMs = retryAfterMs;
  }

  /** Every request is answered 429 until `pass()`. */
  throttleAll(retryAfterMs: number): void {
    this.#throttleAlways = true;
    this.#retryAfterMs = retryAfterMs;
  }

  /** The next `n` requests reach Cosmos, but their answers are dropped (the connection is destroyed). */
  dropAfterForward(n: number): void {
    this.#dropAfterForward = n;
  }

  /** No faults. */
  pass(): void {
    this.#throttle = 0;
    this.#throttleAlways = false;
    this.#dropAfterForward = 0;
  }

  count(outcome: CosmosProxyOutcome, since = 0): number {
    return this.events.filter((e) => e.outcome === outcome && e.at >= since).length;
  }

  /** Closes the listener and every connection: new connections are refused. */
  async refuse(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
  }

  /** Listens again on the same port. */
  async resume(): Promise<void> {
    this.#server = this.#makeServer();
    await this.#listen(this.#port);
  }

  async close(): Promise<void> {
    await this.refuse().catch(() => undefined);
    this.#agent.destroy();
  }

  #makeServer(): Server {
    const server = createServer({ cert: this.#tls.cert, key: this.#tls.key }, (req, res) => {
      void this.#handle(req, res);
    });
    server.on('connection', (s: Socket) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    server.on('tlsClientError', () => undefined);
    return server;
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const reqPath = req.url ?? '/';
    const record = (outcome: CosmosProxyOutcome, status?: number) =>
      this.events.push({ at: Date.now(), method, path: reqPath, outcome, ...(status === undefined ? {} : { status }) });

    if (this.#throttleAlways || this.#throttle > 0) {
      if (!this.#throttleAlways) this.#throttle--;
      record('throttled', 429);
      res.writeHead(429, {
        'content-type': 'application/json',
        'x-ms-retry-after-ms': String(this.#retryAfterMs),
        'x-ms-substatus': '3200',
        'x-ms-activity-id': randomUUID(),
        'x-ms-request-charge': '0',
      });
      res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large. More Request Units may be needed.' }));
      return;
    }
    for (let i = 0; !this.#target && i < 600; i++) await sleep(100);
    const target = this.#target;
    if (!target) {
      res.writeHead(502).end();
      return;
    }
    const drop = this.#dropAfterForward > 0 && method !== 'GET';
    if (drop) this.#dropAfterForward--;
    const headers = { ...req.headers, host: target.host };
    const upstream = httpsRequest(
      { protocol: 'https:', hostname: target.hostname, port: target.port, method, path: reqPath, headers, agent: this.#agent },
      (up) => {
        if (drop) {
          up.resume();
          up.on('end', () => {
            record('dropped', up.statusCode);
            req.socket.destroy();
          });
          return;
        }
        record('forwarded', up.statusCode);
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      record('upstream_error');
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    upstream.end(body);
  }
}
