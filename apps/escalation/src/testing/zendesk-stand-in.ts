import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ZendeskStandInOptions {
  readonly email?: string;
  readonly apiToken?: string;
  /** The first N ticket creations store the ticket and then never answer (the caller times out). @default 0 */
  readonly stallAfterCreate?: number;
  /** Answer every create with this status instead (e.g. 503, 422). */
  readonly failWith?: number;
}

export interface StandInTicket {
  readonly id: number;
  readonly idempotencyKey: string | undefined;
  readonly body: Record<string, unknown>;
}

export interface ZendeskStandIn {
  /** Base URL to give `ZendeskServiceDesk` (`http://127.0.0.1:PORT`). */
  readonly url: string;
  /** Tickets created so far (one per idempotency key). */
  tickets(): StandInTicket[];
  /** Every create request received, replays included. */
  requests(): { idempotencyKey: string | undefined; authorization: string | undefined }[];
  setFailure(status: number | undefined): void;
  close(): Promise<void>;
}

/**
 * A local HTTP stand-in for Zendesk's `POST /api/v2/tickets.json`, for tests without network: checks API-token
 * basic auth, honours `Idempotency-Key` like Zendesk (a replayed key answers the first ticket with
 * `x-idempotency-lookup: hit`), and can fail or stall after creating to exercise the caller's retries.
 */
export async function startZendeskStandIn(opts: ZendeskStandInOptions = {}): Promise<ZendeskStandIn> {
  const expectedAuth = `Basic ${Buffer.from(`${opts.email ?? 'agent@example.com'}/token:${opts.apiToken ?? 'test-token'}`).toString('base64')}`;
  const tickets: StandInTicket[] = [];
  const byKey = new Map<string, StandInTicket>();
  const requests: { idempotencyKey: string | undefined; authorization: string | undefined }[] = [];
  const sockets = new Set<Socket>();
  let stalls = opts.stallAfterCreate ?? 0;
  let failWith = opts.failWith;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST' || req.url !== '/api/v2/tickets.json') return send(res, 404, { error: 'InvalidEndpoint' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const key = req.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(key) ? key[0] : key;
    requests.push({ idempotencyKey, authorization: req.headers.authorization });
    if (req.headers.authorization !== expectedAuth) return send(res, 401, { error: "Couldn't authenticate you" });
    if (failWith !== undefined) return send(res, failWith, { error: 'Failure' });
    let payload: { ticket?: Record<string, unknown> };
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ticket?: Record<string, unknown> };
    } catch {
      return send(res, 400, { error: 'Unprocessable' });
    }
    if (!payload.ticket || typeof payload.ticket['subject'] !== 'string') return send(res, 422, { error: 'RecordInvalid' });

    const seen = idempotencyKey === undefined ? undefined : byKey.get(idempotencyKey);
    if (seen) return send(res, 201, { ticket: { id: seen.id, ...seen.body } }, { 'x-idempotency-lookup': 'hit' });
    const ticket: StandInTicket = { id: 1000 + tickets.length + 1, idempotencyKey, body: payload.ticket };
    tickets.push(ticket);
    if (idempotencyKey !== undefined) byKey.set(idempotencyKey, ticket);
    if (stalls > 0) {
      stalls--;
      return; // created, but the answer never comes
    }
    send(res, 201, { ticket: { id: ticket.id, status: 'new', ...ticket.body } }, { 'x-idempotency-lookup': 'miss' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: 'InternalError' }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    tickets: () => [...tickets],
    requests: () => [...requests],
    setFailure: (status) => {
      failWith = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
