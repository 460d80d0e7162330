import { connect, type Socket } from 'node:net';
import { PinnedClosedError } from './pinned-closed-error.js';
import { serverPidOf } from './procfs.js';

export { PinnedClosedError };

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The server asked to close the connection (`Connection: close`). */
  readonly close: boolean;
}

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/**
 * A keep-alive HTTP/1.1 connection to one particular process among several that share a port through
 * SO_REUSEPORT: connections are opened until the kernel hands one to the wanted process (found through
 * /proc/net/tcp and /proc/<pid>/fd). Requests go one at a time; the parser handles Content-Length and
 * chunked bodies. Used to read one replica's /ready and /metrics, and to spread requests over replicas.
 */
export class PinnedConnection {
  readonly pid: number;
  readonly port: number;
  #socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  #ended = false;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(socket: Socket, pid: number, port: number) {
    this.#socket = socket;
    this.pid = pid;
    this.port = port;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#waiter?.();
    });
    const end = () => {
      this.#ended = true;
      this.#waiter?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  /** Opens connections to `port` until one is served by `pid` (at most `attempts`). */
  static async open(port: number, pid: number, allPids: readonly number[], attempts = 200): Promise<PinnedConnection> {
    for (let i = 0; i < attempts; i++) {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port });
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      });
      socket.setNoDelay(true);
      let owner: number | undefined;
      for (let tries = 0; tries < 40 && owner === undefined; tries++) {
        owner = await serverPidOf(socket.localPort ?? 0, port, allPids);
        // Not accepted by the server process yet (its inode is 0 until then).
        if (owner === undefined) await new Promise((r) => setTimeout(r, 5));
      }
      if (owner === pid) return new PinnedConnection(socket, pid, port);
      socket.destroy();
    }
    throw new Error(`no connection to port ${port} reached pid ${pid} in ${attempts} attempts`);
  }

  get closed(): boolean {
    return this.#ended || this.#socket.destroyed;
  }

  /** One request on this connection (queued behind earlier ones). Rejects when the connection closes first. */
  request(req: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
    const run = this.#queue.then(() => this.#send(req, timeoutMs));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  get(path: string, headers: Record<string, string> = {}, timeoutMs?: number): Promise<RawResponse> {
    return this.request({ method: 'GET', path, headers }, timeoutMs);
  }

  close(): void {
    this.#socket.destroy();
  }

  async #send(req: RawRequest, timeoutMs: number): Promise<RawResponse> {
    if (this.closed) throw new PinnedClosedError();
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: 127.0.0.1:${this.port}`];
    for (const [k, v] of Object.entries(req.headers ?? {})) lines.push(`${k}: ${v}`);
    if (body) lines.push(`Content-Length: ${body.length}`);
    this.#socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body ?? Buffer.alloc(0)]));
    const deadline = Date.now() + timeoutMs;
    const res = await this.#read(deadline, req.method === 'HEAD');
    if (res.close) this.close();
    return res;
  }

  async #need(predicate: () => boolean, deadline: number): Promise<void> {
    while (!predicate()) {
      if (this.#ended) throw new PinnedClosedError();
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('pinned request timed out');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiter = undefined;
    }
  }

  async #read(deadline: number, head: boolean): Promise<RawResponse> {
    await this.#need(() => this.#buffer.indexOf('\r\n\r\n') >= 0, deadline);
    const end = this.#buffer.indexOf('\r\n\r\n');
    const headText = this.#buffer.subarray(0, end).toString('latin1');
    this.#buffer = this.#buffer.subarray(end + 4);
    const [statusLine = '', ...headerLines] = headText.split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of headerLines) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    let body = Buffer.alloc(0);
    if (!head && status !== 204 && status !== 304) {
      if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
        const parts: Buffer[] = [];
        for (;;) {
          await this.#need(() => this.#buffer.indexOf('\r\n') >= 0, deadline);
          const lineEnd = this.#buffer.indexOf('\r\n');
          const size = parseInt(this.#buffer.subarray(0, lineEnd).toString('latin1'), 16);
          await this.#need(() => this.#buffer.length >= lineEnd + 2 + size + 2, deadline);
          parts.push(this.#buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
          this.#buffer = this.#buffer.subarray(lineEnd + 2 + size + 2);
          if (size === 0) break;
        }
        body = Buffer.concat(parts);
      } else if (headers['content-length'] !== undefined) {
        const n = Number(headers['content-length']);
        await this.#need(() => this.#buffer.length >= n, deadline);
        body = this.#buffer.subarray(0, n);
        this.#buffer = this.#buffer.subarray(n);
      } else {
        await this.#need(() => this.#ended, deadline).catch(() => undefined);
        body = this.#buffer;
        this.#buffer = Buffer.alloc(0);
      }
    }
    return { status, headers, body, close: headers['connection']?.toLowerCase() === 'close' };
  }
}
