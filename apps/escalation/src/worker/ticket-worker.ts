import { TicketEvent, type Ticket } from '@supportmesh/contracts';
import { withTimeout } from '@supportmesh/resilience';
import { IdempotencyStore, StreamConsumer, type Redis, type StreamMessage } from '@supportmesh/state';
import type { Logger } from '@supportmesh/telemetry';
import type { ServiceDesk } from '../desk/service-desk.js';
import { isServiceDeskError } from '../errors/service-desk-error.js';
import { TicketInProgressError } from '../errors/ticket-in-progress-error.js';
import type { EscalationMetrics } from '../metrics.js';
import { StreamMonitor } from '@supportmesh/state';
import type { TicketStore } from '../tickets/ticket-store.js';

export interface TicketWorkerOptions {
  readonly redis: Redis;
  readonly store: Pick<TicketStore, 'markCreated'>;
  readonly desk: ServiceDesk;
  readonly metrics: EscalationMetrics;
  readonly stream: string;
  /** @default 'ticket-worker' */
  readonly group?: string;
  readonly consumer: string;
  /** @default `${stream}:dead-letter` */
  readonly deadLetterStream?: string;
  /** Idempotency records live at `${prefix}idem:{key}`. */
  readonly prefix: string;
  /** How long a created ticket's key is remembered. @default 7 days */
  readonly idempotencyTtlSec?: number;
  /** Deadline of one service-desk call; keep it below `minIdleMs`. @default 10_000 */
  readonly deskTimeoutMs?: number;
  /** @default 5 */
  readonly maxDeliveries?: number;
  /** @default 30_000 */
  readonly minIdleMs?: number;
  /** @default 5_000 */
  readonly claimIntervalMs?: number;
  /** @default 20 */
  readonly batchSize?: number;
  /** @default 1000 */
  readonly blockMs?: number;
  /** @default 10_000 */
  readonly drainTimeoutMs?: number;
  /** How often the stream gauges are refreshed. @default 5_000 */
  readonly metricsIntervalMs?: number;
  readonly logger?: Logger;
}

/**
 * The ticket worker: a consumer group on the ticket stream that creates each ticket in the service desk
 * at least once and — through the idempotency store and the desk's idempotency key — at most once:
 *
 * 1. a key already completed → only refresh the record (a crash after creating, before XACK);
 * 2. claim the key (another worker holding it → retry later);
 * 3. create it in the desk with the key (a crash or timeout after the desk created it, before step 4,
 *    makes the retry hit the desk's own dedup), record `completed`, mark the ticket `open`, XACK.
 *
 * Invalid events and tickets the desk rejects outright go to the dead-letter stream at once; other
 * failures are retried after `minIdleMs` and dead-lettered after `maxDeliveries`.
 */
export class TicketWorker {
  readonly consumer: StreamConsumer;
  readonly monitor: StreamMonitor;
  readonly deadLetterStream: string;
  private readonly opts: TicketWorkerOptions;
  private readonly idem: IdempotencyStore;
  private readonly group: string;
  private readonly deskTimeoutMs: number;
  private readonly maxDeliveries: number;
  private readonly shutdown = new AbortController();

  constructor(opts: TicketWorkerOptions) {
    this.opts = opts;
    this.group = opts.group ?? 'ticket-worker';
    this.deadLetterStream = opts.deadLetterStream ?? `${opts.stream}:dead-letter`;
    this.deskTimeoutMs = opts.deskTimeoutMs ?? 10_000;
    this.maxDeliveries = opts.maxDeliveries ?? 5;
    this.idem = new IdempotencyStore({
      redis: opts.redis,
      prefix: `${opts.prefix}idem:`,
      ttlSec: opts.idempotencyTtlSec ?? 7 * 86_400,
      // A live worker's claim must outlast its desk call; a dead one's must lapse before the retry.
      claimTtlSec: Math.max(1, Math.ceil((2 * this.deskTimeoutMs) / 1000)),
    });
    this.consumer = new StreamConsumer({
      redis: opts.redis,
      stream: opts.stream,
      group: this.group,
      consumer: opts.consumer,
      handler: (msg) => this.handle(msg),
      deadLetterStream: this.deadLetterStream,
      maxDeliveries: this.maxDeliveries,
      minIdleMs: opts.minIdleMs,
      claimIntervalMs: opts.claimIntervalMs,
      batchSize: opts.batchSize ?? 20,
      blockMs: opts.blockMs,
      drainTimeoutMs: opts.drainTimeoutMs ?? 10_000,
      logger: opts.logger,
    });
    this.monitor = new StreamMonitor({
      consumer: this.consumer,
      stream: opts.stream,
      group: this.group,
      gauges: opts.metrics,
      intervalMs: opts.metricsIntervalMs,
      logger: opts.logger,
      onStatsDelta: (d) => opts.metrics.deadLettered.inc({ reason: 'consumer' }, d.deadLettered),
    });
  }

  async start(): Promise<void> {
    await this.consumer.start();
    this.monitor.start();
  }

  /** Finishes the current batch (desk calls still running are aborted at the drain deadline). */
  async stop(): Promise<void> {
    this.monitor.stop();
    const abortLate = setTimeout(() => this.shutdown.abort(), this.opts.drainTimeoutMs ?? 10_000);
    abortLate.unref();
    try {
      await this.consumer.stop();
    } finally {
      clearTimeout(abortLate);
    }
    await this.monitor.refresh();
  }

  /** Handles one ticket-stream entry (exposed for tests). */
  async handle(msg: StreamMessage): Promise<void> {
    const parsed = TicketEvent.safeParse(msg.data);
    if (!parsed.success) {
      await this.deadLetter(msg, 'VALIDATION_FAILED');
      this.opts.metrics.deadLettered.inc({ reason: 'validation' });
      this.opts.logger?.warn({ entryId: msg.id, paths: parsed.error.issues.slice(0, 5).map((i) => i.path.join('.')) }, 'invalid ticket event moved to dead-letter stream');
      return;
    }
    const event = parsed.data;
    const desk = this.opts.desk.name;
    try {
      const { externalId, created } = await this.createOnce(event);
      await this.opts.store.markCreated(event, externalId, desk);
      if (created) this.opts.metrics.created.inc({ desk });
      this.opts.logger?.info({ ticketId: event.ticketId, externalId, desk, created, deliveries: msg.deliveries }, created ? 'ticket created' : 'ticket already created');
    } catch (err) {
      const code = errorCode(err);
      this.opts.metrics.failed.inc({ desk, code });
      if (isServiceDeskError(err) && !err.retryable) {
        await this.deadLetter(msg, code, err.status);
        this.opts.metrics.deadLettered.inc({ reason: 'rejected' });
        this.opts.logger?.error({ ticketId: event.ticketId, desk, status: err.status }, 'service desk rejected the ticket; moved to dead-letter stream');
        return;
      }
      this.opts.logger?.warn({ ticketId: event.ticketId, desk, code, deliveries: msg.deliveries, maxDeliveries: this.maxDeliveries }, 'ticket creation failed');
      throw err;
    }
  }

  private async createOnce(event: TicketEvent): Promise<{ externalId: string; created: boolean }> {
    const key = event.idempotencyKey;
    const done = await this.completed(key);
    if (done) return { externalId: done, created: false };
    if (!(await this.idem.claim(key))) {
      const after = await this.completed(key);
      if (after) return { externalId: after, created: false };
      throw new TicketInProgressError(`Ticket ${event.ticketId} is being created by another worker`);
    }
    try {
      const { externalId } = await withTimeout(
        (signal) => this.opts.desk.createTicket(toTicket(event), { idempotencyKey: key, signal }),
        this.deskTimeoutMs,
        this.shutdown.signal,
      );
      await this.idem.complete(key, { externalId });
      return { externalId, created: true };
    } catch (err) {
      await this.idem.release(key).catch(() => undefined);
      throw err;
    }
  }

  private async completed(key: string): Promise<string | undefined> {
    const record = await this.idem.get<{ externalId?: unknown }>(key);
    if (record?.status !== 'completed') return undefined;
    const externalId = record.result?.externalId;
    return typeof externalId === 'string' ? externalId : undefined;
  }

  private async deadLetter(msg: StreamMessage, code: string, status?: number): Promise<void> {
    await this.opts.redis.xadd(
      this.deadLetterStream, 'MAXLEN', '~', 10_000, '*',
      'data', JSON.stringify(msg.data) ?? '',
      'originalId', msg.id,
      'stream', this.opts.stream,
      'group', this.group,
      'consumer', this.opts.consumer,
      'errorCode', code,
      ...(status === undefined ? [] : ['status', String(status)]),
      'deliveries', String(msg.deliveries),
      'failedAt', new Date().toISOString(),
    );
  }
}

function toTicket(event: TicketEvent): Ticket {
  return {
    id: event.ticketId,
    conversationId: event.conversationId,
    subject: event.subject,
    priority: event.priority,
    reason: event.reason,
    status: 'open',
    createdAt: event.requestedAt,
    idempotencyKey: event.idempotencyKey,
  };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : 'HANDLER_FAILED';
}
