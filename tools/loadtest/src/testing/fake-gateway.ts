import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGatewayOptions {
  /** Pipeline latency per turn (ms). @default 2 */
  readonly latencyMs?: number;
  /** Required `x-api-key`. @default 'test-key' */
  readonly apiKey?: string;
  /** Breaker reset after the LLM comes back (ms). @default 200 */
  readonly breakerResetMs?: number;
  /** Consecutive LLM failures that open the breaker. @default 3 */
  readonly breakerThreshold?: number;
}

export interface FakeStack {
  /** Gateway base URL (`http://127.0.0.1:PORT`). */
  readonly url: string;
  /** The fault endpoint's base URL (same server: `POST/DELETE /admin/faults`, like the LLM emulator). */
  readonly emulatorUrl: string;
  /** Distinct values of the user header seen so far. */
  readonly users: ReadonlySet<string>;
  /** Text of every turn received (message or chat), in arrival order. */
  readonly texts: readonly string[];
  /** Turns answered, by kind. */
  readonly counts: { turns: number; degraded: number; creates: number };
  close(): Promise<void>;
}

const CITATION = { passageId: 'kb-track-order', title: 'Track your order' };

/**
 * A stand-in for the gateway (NOT the real one): answers the public API with the contract's
 * MessageResponse shape, serves /metrics (in-flight gauge, breaker state, latency histogram, RSS, cost)
 * and /api/v1/pool/stats, and plays the LLM emulator's `/admin/faults`: while `failAll` is set the
 * "LLM" fails, the breaker opens after a few failures and replies degrade quickly (`degraded: ['respond']`).
 */
export async function startFakeGateway(opts: FakeGatewayOptions = {}): Promise<FakeStack> {
  const apiKey = opts.apiKey ?? 'test-key';
  const latencyMs = opts.latencyMs ?? 2;
  const resetMs = opts.breakerResetMs ?? 200;
  const threshold = opts.breakerThreshold ?? 3;
  const users = new Set<string>();
  const texts: string[] = [];
  const counts = { turns: 0, degraded: 0, creates: 0 };
  let inFlight = 0;
  let llmDown = false;
  let failures = 0;
  let breaker: 'CLOSED' | 'OPEN' | 'HALF_OPEN' = 'CLOSED';
  let openedAt = 0;
  let cost = 0;
  let faultTimer: NodeJS.Timeout | undefined;
  const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const bucketCounts = buckets.map(() => 0);
  let observations = 0;
  const started = Date.now() / 1000;
  let seq = 0;

  const breakerState = () => {
    if (breaker === 'OPEN' && !llmDown && Date.now() - openedAt >= resetMs) breaker = 'CLOSED';
    return breaker;
  };

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const envelope = (code: string, message: string) => ({ error: { code, message, correlationId: 'fake' } });
  const readBody = async (req: IncomingMessage) => {
    let data = '';
    for await (const chunk of req) data += String(chunk);
    return data;
  };

  const turn = async (conversationId: string) => {
    const state = breakerState();
    let degraded: string[] = [];
    let respondMs = latencyMs;
    if (state === 'OPEN') {
      degraded = ['respond'];
      respondMs = 0.4;
    } else if (llmDown) {
      failures++;
      if (failures >= threshold) {
        breaker = 'OPEN';
        openedAt = Date.now();
      }
      degraded = ['respond'];
      await new Promise((r) => setTimeout(r, latencyMs));
    } else {
      failures = 0;
      await new Promise((r) => setTimeout(r, latencyMs));
      cost += 0.0004;
    }
    counts.turns++;
    if (degraded.length) counts.degraded++;
    return {
      conversationId,
      reply: degraded.length ? 'Sorry, I am handing you over to a colleague.' : 'You can track your order from the Orders page.',
      intent: 'track_order',
      confidence: 0.93,
      escalated: degraded.length > 0,
      citations: degraded.length ? [] : [CITATION],
      latencyMs: { total: respondMs + 1, perHop: { screen: 0.3, classify: 0.5, retrieve: 0.2, respond: respondMs } },
      degraded,
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/health' || path === '/ready')) return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/metrics') {
      const st = breakerState();
      const lines = [
        '# TYPE http_server_requests_in_flight gauge',
        `http_server_requests_in_flight{service="gateway"} ${inFlight}`,
        '# TYPE circuit_breaker_state gauge',
        `circuit_breaker_state{name="llm-respond"} ${st === 'OPEN' ? 2 : st === 'HALF_OPEN' ? 1 : 0}`,
        `llm_pool_active_connections{deployment="gpt-4o"} ${Math.min(inFlight, 10)}`,
        `llm_pool_available_connections{deployment="gpt-4o"} ${Math.max(0, 10 - inFlight)}`,
        `llm_cost_usd_total{deployment="gpt-4o",model="gpt-4o"} ${cost}`,
        `process_resident_memory_bytes ${50 * 1048576}`,
        `process_start_time_seconds ${started}`,
        `redis_stream_lag{stream="conversation.turn"} 0`,
        ...buckets.map((le, i) => `http_server_request_duration_seconds_bucket{route="/v1/chat",method="POST",status="200",le="${le}"} ${bucketCounts[i]}`),
        `http_server_request_duration_seconds_bucket{route="/v1/chat",method="POST",status="200",le="+Inf"} ${observations}`,
      ];
      return send(res, 200, `${lines.join('\n')}\n`, 'text/plain; version=0.0.4');
    }
    if (req.method === 'GET' && path === '/api/v1/pool/stats') {
      return send(res, 200, {
        pool_enabled: true,
        pool_size: 10,
        active_connections: Math.min(inFlight, 10),
        available_connections: Math.max(0, 10 - inFlight),
        total_requests: counts.turns,
        total_errors: 0,
        circuit_breaker_state: breakerState(),
        avg_wait_time_ms: 0,
        timestamp: new Date().toISOString(),
      });
    }
    if (path === '/admin/faults') {
      if (req.method === 'POST') {
        const body = JSON.parse((await readBody(req)) || '{}') as { failAll?: boolean; durationMs?: number };
        llmDown = body.failAll === true;
        clearTimeout(faultTimer);
        if (body.durationMs) faultTimer = setTimeout(() => (llmDown = false), body.durationMs);
        return send(res, 200, { active: llmDown });
      }
      if (req.method === 'DELETE') {
        llmDown = false;
        clearTimeout(faultTimer);
        return send(res, 200, { active: false });
      }
    }
    if (req.method !== 'POST') return send(res, 404, envelope('NOT_FOUND', 'not found'));
    if (req.headers['x-api-key'] !== apiKey) return send(res, 401, envelope('UNAUTHORIZED', 'missing or invalid API key'));
    const user = req.headers['x-user-id'];
    if (typeof user === 'string') users.add(user);
    const body = JSON.parse((await readBody(req)) || '{}') as { text?: string; message?: string };
    if (path === '/v1/conversations') {
      counts.creates++;
      return send(res, 201, { conversationId: `conv-${++seq}` });
    }
    const m = /^\/v1\/conversations\/([A-Za-z0-9_-]+)\/messages$/.exec(path);
    if ((m && body.text) || (path === '/v1/chat' && body.message)) {
      texts.push((m ? body.text : body.message) ?? '');
      const t0 = performance.now();
      const reply = await turn(m?.[1] ?? `chat-${++seq}`);
      const s = (performance.now() - t0) / 1000;
      observations++;
      buckets.forEach((le, i) => {
        if (s <= le) bucketCounts[i] = (bucketCounts[i] ?? 0) + 1;
      });
      return send(res, 200, reply);
    }
    return send(res, 400, envelope('VALIDATION_FAILED', 'bad request'));
  };

  const server: Server = createServer((req, res) => {
    inFlight++;
    res.on('close', () => inFlight--);
    handle(req, res).catch(() => send(res, 500, envelope('INTERNAL', 'fake gateway failed')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    emulatorUrl: url,
    users,
    texts,
    counts,
    close: async () => {
      clearTimeout(faultTimer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
