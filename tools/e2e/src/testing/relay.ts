import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request that passed through a relay (times from `performance.now()` of the test process). */
export interface RelayRecord {
  readonly method: string;
  readonly path: string;
  readonly correlationId: string | undefined;
  readonly startedAt: number;
  endedAt: number | undefined;
  status: number | undefined;
}

/**
 * A transparent HTTP relay in front of a real service, so a test can see when each call started and ended
 * and can add a fixed delay before forwarding (e.g. to prove two hops overlap). Nothing is answered by the
 * relay itself: when the service is down, the client's connection is destroyed, as a dead service would.
 */
export class DelayRelay {
  readonly records: RelayRecord[] = [];
  /** Where requests go (set once the real service's port is known). */
  target: string | undefined;
  /** Delay added before forwarding requests whose path matches `delayPaths`. */
  delayMs = 0;
  delayPaths: readonly string[] = [];
  readonly #server: http.Server;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

  private constructor(server: http.Server) {
    this.#server = server;
  }

  static async start(): Promise<DelayRelay> {
    const server = http.createServer();
    const relay = new DelayRelay(server);
    server.on('request', (req, res) => relay.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Records whose correlation id is `id`. */
  forCorrelation(id: string): RelayRecord[] {
    return this.records.filter((r) => r.correlationId === id);
  }

  async close(): Promise<void> {
    this.#agent.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    const cid = req.headers['x-correlation-id'];
    const record: RelayRecord = {
      method: req.method ?? 'GET',
      path,
      correlationId: Array.isArray(cid) ? cid[0] : cid,
      startedAt: performance.now(),
      endedAt: undefined,
      status: undefined,
    };
    this.records.push(record);
    if (this.records.length > 10_000) this.records.splice(0, 5_000);
    res.once('finish', () => {
      record.endedAt = performance.now();
    });
    const delay = this.delayPaths.some((p) => path.startsWith(p)) ? this.delayMs : 0;
    const forward = () => {
      if (!this.target) {
        req.socket.destroy();
        return;
      }
      const upstream = http.request(new URL(path, this.target), {
        method: req.method,
        headers: { ...req.headers, host: new URL(this.target).host },
        agent: this.#agent,
      });
      upstream.once('response', (up) => {
        record.status = up.statusCode;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      // A dead service: the caller sees its connection drop, not an answer from the relay.
      upstream.once('error', () => req.socket.destroy());
      req.pipe(upstream);
    };
    if (delay > 0) setTimeout(forward, delay);
    else forward();
  }
}
