import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { clientPidOf } from './procfs.js';
import { sleep } from './stats.js';

export interface LlmCall {
  readonly at: number;
  readonly endAt: number;
  /** The process that sent it (attributed through /proc), when known. */
  readonly pid: number | undefined;
  readonly path: string;
  /** `body.model` (the deployment, OpenAI style). */
  readonly model: string | undefined;
  readonly status: number;
  readonly retryAfterMs?: number;
  /** The assistant message of a successful chat completion (kept in memory only, for PII checks). */
  readonly content?: string;
  /** The request body (first 20,000 chars; in memory only: checks that no raw PII reached the LLM). */
  readonly request: string;
}

/**
 * A recording HTTP proxy in front of the LLM emulator (point a service's `LLM_ENDPOINT` at `url` + `/v1`):
 * every call with its time, sender process, deployment and status, so retries, their spacing and breaker
 * probes can be checked per process and per deployment.
 */
export class LlmRecorder {
  readonly calls: LlmCall[] = [];
  #server: Server;
  #port = 0;
  #target: URL | undefined;
  readonly #pids: () => readonly number[];
  readonly #senders = new WeakMap<Socket, Promise<number | undefined>>();
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256 });

  private constructor(pids: () => readonly number[]) {
    this.#pids = pids;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (s: Socket) => {
      this.#senders.set(s, clientPidOf(s.remotePort ?? 0, this.#port, this.#pids()).catch(() => undefined));
    });
  }

  static async start(pids: () => readonly number[]): Promise<LlmRecorder> {
    const r = new LlmRecorder(pids);
    await new Promise<void>((resolve) => r.#server.listen(0, '127.0.0.1', resolve));
    r.#port = (r.#server.address() as AddressInfo).port;
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  setTarget(url: string): void {
    this.#target = new URL(url);
  }

  since(t: number): LlmCall[] {
    return this.calls.filter((c) => c.at >= t);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#agent.destroy();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    let model: string | undefined;
    try {
      const m = (JSON.parse(body.toString('utf8')) as { model?: unknown }).model;
      model = typeof m === 'string' ? m : undefined;
    } catch {
      model = undefined;
    }
    const pid = await this.#senders.get(req.socket);
    for (let i = 0; !this.#target && i < 600; i++) await sleep(100);
    const target = this.#target;
    if (!target) {
      res.writeHead(502).end();
      return;
    }
    const upstream = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent: this.#agent },
      (up) => {
        const parts: Buffer[] = [];
        up.on('data', (c: Buffer) => parts.push(c));
        up.on('end', () => {
          const text = Buffer.concat(parts);
          const status = up.statusCode ?? 502;
          const ra = up.headers['retry-after-ms'];
          let content: string | undefined;
          if (status === 200 && (req.url ?? '').includes('chat/completions')) {
            try {
              const j = JSON.parse(text.toString('utf8')) as { choices?: { message?: { content?: string } }[] };
              content = j.choices?.[0]?.message?.content;
            } catch {
              content = undefined; // streamed answers are not inspected
            }
          }
          this.calls.push({
            at,
            endAt: Date.now(),
            pid,
            path: req.url ?? '',
            model,
            status,
            request: body.toString('utf8').slice(0, 20_000),
            ...(typeof ra === 'string' ? { retryAfterMs: Number(ra) } : {}),
            ...(content === undefined ? {} : { content }),
          });
          res.writeHead(status, up.headers);
          res.end(text);
        });
      },
    );
    upstream.on('error', () => {
      this.calls.push({ at, endAt: Date.now(), pid, path: req.url ?? '', model, status: 502, request: body.toString('utf8').slice(0, 20_000) });
      if (!res.headersSent) res.writeHead(502).end();
    });
    upstream.end(body);
  }
}
