import type { Redis } from 'ioredis';
import { StateArgumentError } from '../errors/state-argument-error.js';
import type { StateLogger } from '../redis.js';
import { errorCode, withDeadline } from '../util.js';
import {
  fieldValue,
  parseAutoClaimReply,
  parseInfoGroups,
  parsePendingCount,
  parsePendingDeliveries,
  parseReadReply,
  type RawEntry,
} from './replies.js';

export interface StreamMessage<T = unknown> {
  /** Stream entry id (use it, or a field of `data`, as the idempotency key). */
  id: string;
  /** The parsed `data` field; validate it (zod) in the handler. */
  data: T;
  /** How many times this entry has been delivered, this delivery included (1 on first delivery). */
  deliveries: number;
}

export interface StreamConsumerOptions<T = unknown> {
  redis: Redis;
  stream: string;
  group: string;
  /** Unique per replica (e.g. the pod name). */
  consumer: string;
  /** Resolve to acknowledge; throw to have the entry redelivered after `minIdleMs`. */
  handler: (msg: StreamMessage<T>) => Promise<void>;
  /** Entries per XREADGROUP / XAUTOCLAIM page. @default 50 */
  batchSize?: number;
  /** XREADGROUP BLOCK time. @default 1000 */
  blockMs?: number;
  /** Entries pending longer than this (a dead or failing consumer) are claimed and retried. @default 30000 */
  minIdleMs?: number;
  /** How often to look for such entries. @default 5000 */
  claimIntervalMs?: number;
  /** A failure on the maxDeliveries-th delivery moves the entry to the dead-letter stream. @default 5 */
  maxDeliveries?: number;
  /** @default `${stream}:dead-letter` */
  deadLetterStream?: string;
  /** Approximate cap on the dead-letter stream. @default 10000 */
  deadLetterMaxLen?: number;
  /** Where a newly created group starts: '0' = everything still in the stream, '$' = only new entries. @default '0' */
  startId?: string;
  /** How long `stop()` waits for the current batch before abandoning it (its entries stay pending). @default 30000 */
  drainTimeoutMs?: number;
  logger?: StateLogger;
}

export interface StreamConsumerStats {
  processed: number;
  failed: number;
  claimed: number;
  deadLettered: number;
}

type State = 'idle' | 'running' | 'stopping';

const MAX_CLAIM_PAGES = 10;
const UNBLOCK_ATTEMPTS = 20;
const UNBLOCK_RETRY_MS = 50;

/**
 * Consumer-group worker for a Redis stream with at-least-once delivery: XREADGROUP on its own blocking
 * connection, XACK after the handler succeeds, XAUTOCLAIM of entries left idle by dead or failing
 * consumers, and a dead-letter stream for entries that keep failing. Handlers must be idempotent.
 */
export class StreamConsumer<T = unknown> {
  private readonly redis: Redis;
  private readonly stream: string;
  private readonly group: string;
  private readonly consumer: string;
  private readonly handler: (msg: StreamMessage<T>) => Promise<void>;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly minIdleMs: number;
  private readonly claimIntervalMs: number;
  private readonly maxDeliveries: number;
  readonly deadLetterStream: string;
  private readonly deadLetterMaxLen: number;
  private readonly startId: string;
  private readonly drainTimeoutMs: number;
  private readonly logger: StateLogger | undefined;

  private state: State = 'idle';
  private loop: Promise<void> | undefined;
  private blocking: Redis | undefined;
  private blockingClientId: number | undefined;
  private reading = false;
  /** Set when stop() gave up waiting: the stuck loop must not touch Redis again. */
  private abandoned = false;
  private lastClaimAt = Number.NEGATIVE_INFINITY;
  private wake: (() => void) | undefined;
  private readonly counters: StreamConsumerStats = { processed: 0, failed: 0, claimed: 0, deadLettered: 0 };

  constructor(opts: StreamConsumerOptions<T>) {
    this.redis = opts.redis;
    this.stream = opts.stream;
    this.group = opts.group;
    this.consumer = opts.consumer;
    this.handler = opts.handler;
    this.batchSize = positiveInt(opts.batchSize ?? 50, 'batchSize');
    this.blockMs = positiveInt(opts.blockMs ?? 1000, 'blockMs');
    this.minIdleMs = positiveInt(opts.minIdleMs ?? 30_000, 'minIdleMs');
    this.claimIntervalMs = positiveInt(opts.claimIntervalMs ?? 5_000, 'claimIntervalMs');
    this.maxDeliveries = positiveInt(opts.maxDeliveries ?? 5, 'maxDeliveries');
    this.deadLetterStream = opts.deadLetterStream ?? `${opts.stream}:dead-letter`;
    this.deadLetterMaxLen = positiveInt(opts.deadLetterMaxLen ?? 10_000, 'deadLetterMaxLen');
    this.startId = opts.startId ?? '0';
    this.drainTimeoutMs = positiveInt(opts.drainTimeoutMs ?? 30_000, 'drainTimeoutMs');
    this.logger = opts.logger;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  stats(): StreamConsumerStats {
    return { ...this.counters };
  }

  /** Create the group if needed and start the loop in the background. Idempotent. */
  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    await this.ensureGroup();
    const blocking = this.redis.duplicate({
      // Blocking reads must not hit the shared client's command timeout, but a dead socket must not
      // hang them forever either: ioredis times a BLOCK n read out after n ms + grace.
      commandTimeout: undefined,
      blockingTimeout: this.blockMs,
      connectionName: `${this.group}:${this.consumer}`,
    });
    let reported = false;
    blocking.on('error', (err: Error) => {
      if (!reported) this.logger?.warn({ err: { message: err.message }, stream: this.stream }, 'stream consumer connection error');
      reported = true;
    });
    try {
      // Known before the first read, so stop() can CLIENT UNBLOCK it.
      this.blockingClientId = Number(await blocking.client('ID'));
    } catch (err) {
      blocking.disconnect();
      throw err;
    }
    blocking.on('ready', () => {
      // After a reconnect the id changes; until the new one is known stop() falls back to disconnecting.
      reported = false;
      this.blockingClientId = undefined;
      blocking.client('ID').then(
        (id) => (this.blockingClientId = Number(id)),
        () => undefined,
      );
    });
    this.blocking = blocking;
    this.abandoned = false;
    this.state = 'running';
    this.loop = this.run(blocking);
  }

  /**
   * Finish the current batch, stop looping and close the blocking connection. A blocked read is
   * interrupted (CLIENT UNBLOCK) so this returns promptly; after `drainTimeoutMs` a stuck batch is
   * abandoned and its entries stay pending for another consumer to claim.
   */
  async stop(): Promise<void> {
    const loop = this.loop;
    const blocking = this.blocking;
    if (this.state === 'idle' || !loop || !blocking) return;
    this.state = 'stopping';
    this.wake?.();
    let finished = false;
    const done = loop.then(() => {
      finished = true;
    });
    // One deadline for the whole drain; meanwhile interrupt a blocked read (retried: stop() may race
    // the loop's next XREADGROUP).
    const deadline = Date.now() + this.drainTimeoutMs;
    for (let unblocks = 0; !finished && Date.now() < deadline; ) {
      if (this.reading && unblocks < UNBLOCK_ATTEMPTS) {
        unblocks++;
        await this.unblock(blocking);
      }
      await Promise.race([done, delay(Math.max(1, Math.min(UNBLOCK_RETRY_MS, deadline - Date.now())))]);
    }
    if (!finished) {
      this.abandoned = true;
      this.logger?.warn({ stream: this.stream, group: this.group }, 'stream consumer stop timed out; batch abandoned');
    }
    blocking.disconnect();
    this.blocking = undefined;
    this.loop = undefined;
    this.state = 'idle';
  }

  /** Entries delivered to the group but not yet acknowledged (XPENDING). */
  async pending(): Promise<number> {
    try {
      return parsePendingCount(await this.redis.call('XPENDING', this.stream, this.group));
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
  }

  /** Entries not yet delivered to the group (XINFO GROUPS `lag`, Redis ≥ 7; counted when Redis cannot tell). */
  async lag(): Promise<number> {
    let groups: Record<string, unknown>[];
    try {
      groups = parseInfoGroups(await this.redis.call('XINFO', 'GROUPS', this.stream));
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
    const info = groups.find((g) => g['name'] === this.group);
    if (!info) return Number(await this.redis.xlen(this.stream));
    const lag = info['lag'];
    if (typeof lag === 'number' || (typeof lag === 'string' && lag !== '')) return Number(lag);
    // Redis < 7, or lag unknown after XDEL/XSETID: count what lies after last-delivered-id (bounded).
    const after = String(info['last-delivered-id'] ?? '0-0');
    const rest = await this.redis.xrange(this.stream, `(${after}`, '+', 'COUNT', 10_000);
    return rest.length;
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.redis.call('XGROUP', 'CREATE', this.stream, this.group, this.startId, 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  private async run(blocking: Redis): Promise<void> {
    let failures = 0;
    while (this.state === 'running') {
      try {
        if (Date.now() - this.lastClaimAt >= this.claimIntervalMs) {
          this.lastClaimAt = Date.now();
          await this.claimStale();
        }
        if (this.state !== 'running') break;
        const batch = await this.readNew(blocking);
        for (const entry of batch) {
          if (this.abandoned) return;
          await this.process(entry, 1);
        }
        failures = 0;
      } catch (err) {
        if (this.abandoned) return;
        if (this.state !== 'running') break;
        failures++;
        if (isNoGroup(err)) await this.ensureGroup().catch(() => undefined);
        this.logger?.warn(
          { err: { message: (err as Error).message }, stream: this.stream, group: this.group, failures },
          'stream consumer loop error; backing off',
        );
        await this.sleep(Math.min(100 * 2 ** Math.min(failures, 6), 5_000));
      }
    }
  }

  private async readNew(blocking: Redis): Promise<RawEntry[]> {
    this.reading = true;
    try {
      const reply = await blocking.call(
        'XREADGROUP', 'GROUP', this.group, this.consumer,
        'COUNT', this.batchSize, 'BLOCK', this.blockMs,
        'STREAMS', this.stream, '>',
      );
      return parseReadReply(reply);
    } finally {
      this.reading = false;
    }
  }

  /** XAUTOCLAIM entries idle longer than minIdleMs (including this consumer's own failures) and retry them. */
  private async claimStale(): Promise<void> {
    let cursor = '0-0';
    for (let page = 0; page < MAX_CLAIM_PAGES && this.state === 'running'; page++) {
      const reply = parseAutoClaimReply(
        await this.redis.call(
          'XAUTOCLAIM', this.stream, this.group, this.consumer, this.minIdleMs, cursor, 'COUNT', this.batchSize,
        ),
      );
      if (reply.entries.length > 0) {
        this.counters.claimed += reply.entries.length;
        const deliveries = await this.deliveryCounts(reply.entries.map((e) => e.id));
        for (const entry of reply.entries) {
          if (this.abandoned) return;
          await this.process(entry, deliveries.get(entry.id) ?? 1);
        }
      }
      cursor = reply.cursor;
      if (cursor === '0-0') break;
    }
  }

  private async deliveryCounts(ids: string[]): Promise<Map<string, number>> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.call('XPENDING', this.stream, this.group, id, id, 1);
    const results = (await pipeline.exec()) ?? [];
    const counts = new Map<string, number>();
    ids.forEach((id, i) => {
      const [err, reply] = results[i] ?? [null, undefined];
      const n = err ? undefined : parsePendingDeliveries(reply);
      if (n !== undefined) counts.set(id, n);
    });
    return counts;
  }

  private async process(entry: RawEntry, deliveries: number): Promise<void> {
    if (entry.fields === null) {
      // Trimmed away while pending (Redis 6.2 still returns it): nothing left to process.
      await this.ack(entry.id);
      return;
    }
    const raw = fieldValue(entry.fields, 'data');
    let data: T;
    try {
      if (raw === undefined) throw new Error('entry has no data field');
      data = JSON.parse(raw) as T;
    } catch {
      // Retrying cannot fix a payload that does not parse.
      await this.deadLetter(entry.id, raw ?? '', 'INVALID_PAYLOAD', deliveries);
      return;
    }
    try {
      await this.handler({ id: entry.id, data, deliveries });
    } catch (err) {
      if (this.abandoned) return;
      this.counters.failed++;
      if (deliveries >= this.maxDeliveries) {
        await this.deadLetter(entry.id, raw, errorCode(err), deliveries);
      } else {
        this.logger?.warn(
          { stream: this.stream, group: this.group, entryId: entry.id, deliveries, code: errorCode(err) },
          'stream handler failed; entry will be retried',
        );
      }
      return;
    }
    // A handler that outlived stop()'s drain deadline must not use connections the owner may have closed.
    if (this.abandoned) return;
    await this.ack(entry.id);
    this.counters.processed++;
  }

  private async ack(id: string): Promise<void> {
    await this.redis.xack(this.stream, this.group, id);
  }

  private async deadLetter(id: string, data: string, code: string, deliveries: number): Promise<void> {
    await this.redis.xadd(
      this.deadLetterStream, 'MAXLEN', '~', this.deadLetterMaxLen, '*',
      'data', data,
      'originalId', id,
      'stream', this.stream,
      'group', this.group,
      'consumer', this.consumer,
      'errorCode', code,
      'deliveries', String(deliveries),
      'failedAt', new Date().toISOString(),
    );
    await this.ack(id);
    this.counters.deadLettered++;
    this.logger?.error(
      { stream: this.stream, group: this.group, entryId: id, deliveries, code, deadLetterStream: this.deadLetterStream },
      'stream entry moved to dead-letter stream',
    );
  }

  private async unblock(blocking: Redis): Promise<void> {
    const id = this.blockingClientId;
    try {
      if (id === undefined) throw new Error('blocking client id unknown');
      await withDeadline(this.redis.call('CLIENT', 'UNBLOCK', id), 500);
    } catch {
      blocking.disconnect(); // the read fails with "Connection is closed"; its entries stay pending
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new StateArgumentError(`${name} must be an integer >= 1`);
  return value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function isNoGroup(err: unknown): boolean {
  return String((err as Error)?.message).includes('NOGROUP');
}

function isMissing(err: unknown): boolean {
  const msg = String((err as Error)?.message);
  return msg.includes('NOGROUP') || msg.includes('no such key');
}
