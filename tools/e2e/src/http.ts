import http from 'node:http';

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface HttpOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `application/json` unless `body` is given. */
  readonly json?: unknown;
  /** Raw body (the caller sets the content type). */
  readonly body?: string | Buffer;
  /** A new TCP connection for this request only (no keep-alive pool). */
  readonly fresh?: boolean;
  /** @default 20_000 */
  readonly timeoutMs?: number;
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One HTTP/1.1 request over `node:http` (not fetch): `fresh` opens a new connection, which is what spreads
 * requests over SO_REUSEPORT replicas. A server that answers early (e.g. 413) and closes while the body is
 * still being written resolves with its answer, not a write error.
 */
export function httpRequest(url: string, opts: HttpOptions = {}): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  let body = opts.body;
  if (body === undefined && opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<HttpResponse>((resolve, reject) => {
    let answered = false;
    const req = http.request(url, {
      method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      agent: opts.fresh ? false : keepAlive,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
    req.once('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.once('error', (err) => {
      if (!answered) reject(err);
    });
    if (body === undefined) {
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** Closes the shared keep-alive connections (end of a test file or CLI run). */
export function closeHttpAgents(): void {
  keepAlive.destroy();
}
