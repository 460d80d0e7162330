import type { Ticket } from '@supportmesh/contracts';
import { RedisScript, type Redis } from '@supportmesh/state';
import type { CreateTicketOptions, ServiceDesk } from './service-desk.js';

/**
 * Creates the ticket unless its idempotency key was seen (then answers the first ticket's id).
 * KEYS: 1 idempotency key, 2 ticket hash, 3 created counter. ARGV: 1 external id, 2 ttl, 3.. field/value pairs.
 */
const CREATE = new RedisScript(`
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('INCR', KEYS[3])
return ARGV[1]
`);

export interface LocalServiceDeskOptions {
  readonly redis: Redis;
  /** e.g. `escalation:`; tickets live at `${prefix}desk:ticket:{externalId}`. */
  readonly prefix: string;
  /** @default 30 days */
  readonly ttlSec?: number;
}

/**
 * The local stand-in for a service desk: one Redis hash per ticket, deduplicated by idempotency key the way
 * Zendesk's `Idempotency-Key` header does. The default when no external desk is configured.
 */
export class LocalServiceDesk implements ServiceDesk {
  readonly name = 'local';
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlSec: number;

  constructor(opts: LocalServiceDeskOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix;
    this.ttlSec = Math.max(1, Math.ceil(opts.ttlSec ?? 30 * 86_400));
  }

  async createTicket(ticket: Ticket, opts: CreateTicketOptions): Promise<{ externalId: string }> {
    opts.signal.throwIfAborted();
    const externalId = `local-${ticket.id}`;
    const result = await CREATE.run(
      this.redis,
      [`${this.prefix}desk:idem:${opts.idempotencyKey}`, this.ticketKey(externalId), `${this.prefix}desk:created`],
      [
        externalId,
        this.ttlSec,
        'externalId', externalId,
        'id', ticket.id,
        'conversationId', ticket.conversationId,
        'subject', ticket.subject,
        'priority', ticket.priority,
        'reason', ticket.reason,
        'status', 'open',
        'createdAt', new Date().toISOString(),
        'idempotencyKey', opts.idempotencyKey,
      ],
    );
    return { externalId: String(result) };
  }

  /** A ticket as the desk stores it, or null. */
  async get(externalId: string): Promise<Record<string, string> | null> {
    const raw = await this.redis.hgetall(this.ticketKey(externalId));
    return Object.keys(raw).length === 0 ? null : raw;
  }

  /** How many tickets this desk has created (all time, all replicas). */
  async createdCount(): Promise<number> {
    return Number((await this.redis.get(`${this.prefix}desk:created`)) ?? 0);
  }

  private ticketKey(externalId: string): string {
    return `${this.prefix}desk:ticket:${externalId}`;
  }
}
