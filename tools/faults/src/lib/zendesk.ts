import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface DeskTicket {
  readonly id: number;
  readonly idempotencyKey: string | undefined;
  readonly externalId: string | undefined;
  readonly body: Record<string, unknown>;
}

export interface DeskRequest {
  readonly at: number;
  readonly idempotencyKey: string | undefined;
  readonly outcome: 'created' | 'replayed' | 'stalled' | 'failed' | 'unauthorized' | 'invalid';
}

/**
 * A Zendesk stand-in (`POST /api/v2/tickets.json`) for the escalation ticket worker: API-token basic auth,
 * `Idempotency-Key` honoured like Zendesk (a replay answers the first ticket), and per-ticket faults — stall
 * after creating (the caller times out although the ticket exists), or always fail with a status.
 */
export class ZendeskStandIn {
  readonly tickets: DeskTicket[] = [];
  readonly requests: DeskRequest[] = [];
  readonly email = 'faults-agent@example.com';
  readonly apiToken: string;
  readonly #byKey = new Map<string, DeskTicket>();
  /** Body substring → remaining stalls. */
  readonly #stall = new Map<string, number>();
  /** Body substring → status to always answer. */
  readonly #fail = new Map<string, number>();
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  private constructor(apiToken: string) {
    this.apiToken = apiToken;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (s: Socket) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  static async start(apiToken: string): Promise<ZendeskStandIn> {
    const z = new ZendeskStandIn(apiToken);
    await new Promise<void>((resolve) => z.#server.listen(0, '127.0.0.1', resolve));
    z.#port = (z.#server.address() as AddressInfo).port;
    return z;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Tickets whose request body contains `match` are created, then never answered (`times` times). */
  stallAfterCreate(match: string, times = 1): void {
    this.#stall.set(match, times);
  }

  /** Tickets whose request body contains `match` are always answered with `status` (not created). */
  failFor(match: string, status: number): void {
    this.#fail.set(match, status);
  }

  ticketsMatching(match: string): DeskTicket[] {
    return this.tickets.filter((t) => JSON.stringify(t.body).includes(match));
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (req.method !== 'POST' || req.url !== '/api/v2/tickets.json') return void send(404, { error: 'InvalidEndpoint' });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const keyHeader = req.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(keyHeader) ? keyHeader[0] : keyHeader;
    const log = (outcome: DeskRequest['outcome']) => this.requests.push({ at: Date.now(), idempotencyKey, outcome });
    const expected = `Basic ${Buffer.from(`${this.email}/token:${this.apiToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      log('unauthorized');
      return void send(401, { error: "Couldn't authenticate you" });
    }
    for (const [match, status] of this.#fail) {
      if (raw.includes(match)) {
        log('failed');
        return void send(status, { error: 'Failure' });
      }
    }
    let payload: { ticket?: Record<string, unknown> };
    try {
      payload = JSON.parse(raw) as { ticket?: Record<string, unknown> };
    } catch {
      log('invalid');
      return void send(400, { error: 'Unprocessable' });
    }
    if (!payload.ticket || typeof payload.ticket['subject'] !== 'string') {
      log('invalid');
      return void send(422, { error: 'RecordInvalid' });
    }
    const seen = idempotencyKey === undefined ? undefined : this.#byKey.get(idempotencyKey);
    if (seen) {
      log('replayed');
      return void send(201, { ticket: { id: seen.id, ...seen.body } }, { 'x-idempotency-lookup': 'hit' });
    }
    const externalId = payload.ticket['external_id'];
    const ticket: DeskTicket = {
      id: 5000 + this.tickets.length + 1,
      idempotencyKey,
      externalId: typeof externalId === 'string' ? externalId : undefined,
      body: payload.ticket,
    };
    this.tickets.push(ticket);
    if (idempotencyKey !== undefined) this.#byKey.set(idempotencyKey, ticket);
    for (const [match, left] of this.#stall) {
      if (left > 0 && raw.includes(match)) {
        this.#stall.set(match, left - 1);
        log('stalled');
        return; // created, but the answer never comes
      }
    }
    log('created');
    send(201, { ticket: { id: ticket.id, status: 'new', ...ticket.body } }, { 'x-idempotency-lookup': 'miss' });
  }
}
