import { Ticket, type TicketEvent, type TicketStatus } from '@supportmesh/contracts';
import { RedisScript, StateCorruptError, type Redis } from '@supportmesh/state';

/**
 * Creates the ticket record (status `pending`) and enqueues its TicketEvent in one step, unless the record
 * exists already (a retried escalation): then nothing is written and 0 is returned.
 * KEYS: 1 record hash, 2 stream. ARGV: 1 ttl, 2 stream max length, 3 event JSON, 4.. record field/value pairs.
 */
const ENQUEUE = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'data', ARGV[3])
return 1
`);

export interface TicketStoreOptions {
  readonly redis: Redis;
  /** Key prefix, e.g. `escalation:`; records live at `${prefix}ticket:{id}`. */
  readonly prefix: string;
  /** The ticket stream the worker consumes. */
  readonly stream: string;
  /** How long records are kept. @default 30 days */
  readonly ttlSec?: number;
  /** Approximate cap on the stream (XADD MAXLEN ~). @default 100000 */
  readonly streamMaxLen?: number;
}

/**
 * The escalation service's ticket records (one Redis hash per ticket, served by `GET /v1/tickets/{id}`) and
 * the ticket queue. A record is `pending` until the worker has created the ticket in the service desk, then
 * `open` with the desk's id.
 */
export class TicketStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  readonly stream: string;
  private readonly ttlSec: number;
  private readonly streamMaxLen: number;

  constructor(opts: TicketStoreOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix;
    this.stream = opts.stream;
    this.ttlSec = Math.max(1, Math.ceil(opts.ttlSec ?? 30 * 86_400));
    this.streamMaxLen = opts.streamMaxLen ?? 100_000;
  }

  /** Records the ticket and enqueues it for the worker; resolves false when it was enqueued before. */
  async enqueue(event: TicketEvent): Promise<boolean> {
    const fields = recordFields(event, 'pending');
    const result = await ENQUEUE.run(
      this.redis,
      [this.recordKey(event.ticketId), this.stream],
      [this.ttlSec, this.streamMaxLen, JSON.stringify(event), ...fields],
    );
    return Number(result) === 1;
  }

  /** The worker created the ticket in the service desk. */
  async markCreated(event: TicketEvent, externalId: string, desk: string): Promise<void> {
    const key = this.recordKey(event.ticketId);
    await this.redis
      .multi()
      .hset(key, ...recordFields(event, 'open'), 'externalId', externalId, 'desk', desk, 'updatedAt', new Date().toISOString())
      .expire(key, this.ttlSec)
      .exec();
  }

  async get(ticketId: string): Promise<Ticket | null> {
    const raw = await this.redis.hgetall(this.recordKey(ticketId));
    if (Object.keys(raw).length === 0) return null;
    const parsed = Ticket.safeParse(raw);
    if (!parsed.success) throw new StateCorruptError('Stored ticket record does not match the Ticket contract');
    return parsed.data;
  }

  private recordKey(ticketId: string): string {
    return `${this.prefix}ticket:${ticketId}`;
  }
}

function recordFields(event: TicketEvent, status: TicketStatus): string[] {
  return [
    'id', event.ticketId,
    'conversationId', event.conversationId,
    'subject', event.subject,
    'priority', event.priority,
    'reason', event.reason,
    'status', status,
    'createdAt', event.requestedAt,
    'idempotencyKey', event.idempotencyKey,
  ];
}
