import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The fixed OpenAI chat completion every upstream answer carries (same bytes for every target). */
export const CHAT_COMPLETION = Object.freeze({
  id: 'chatcmpl-bench-0001',
  object: 'chat.completion',
  created: 1_767_225_600,
  model: 'gpt-4o-mini-2024-07-18',
  system_fingerprint: 'fp_bench',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Your order shipped yesterday and should arrive within 3 business days.', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 24, completion_tokens: 14, total_tokens: 38 },
});

const BODY = Buffer.from(JSON.stringify(CHAT_COMPLETION));
const NOT_FOUND = Buffer.from(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error', code: 'not_found' } }));

export interface UpstreamOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Fixed delay before answering (tests use it to check the load generator). @default 0 */
  readonly delayMs?: number;
}

export interface Upstream {
  /** `http://127.0.0.1:PORT` (OpenAI paths under `/v1`). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * A bare Node `http` server answering `POST /v1/chat/completions` with {@link CHAT_COMPLETION} after reading the
 * request body (zero latency unless `delayMs`); `GET /ready` and `/health` answer 200. Nothing else runs per request.
 */
export function startUpstream(opts: UpstreamOptions = {}): Promise<Upstream> {
  const delayMs = opts.delayMs ?? 0;
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      const answer = () => {
        if (req.method === 'POST' && (req.url === '/v1/chat/completions' || req.url?.startsWith('/v1/chat/completions?'))) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
          res.end(BODY);
        } else if (req.url === '/ready' || req.url === '/health') {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
          res.end('ok');
        } else {
          res.writeHead(404, { 'content-type': 'application/json', 'content-length': NOT_FOUND.length });
          res.end(NOT_FOUND);
        }
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
        port,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
