import { randomUUID } from 'node:crypto';
import type { Redis } from '@supportmesh/state';
import type { Logger } from '@supportmesh/telemetry';
import type { GatewayMetrics } from '../metrics.js';
import type { StoreDoc } from './documents.js';
import { describe } from '../log-safe.js';

export interface DocWriter {
  write(doc: StoreDoc): Promise<void>;
}

export interface PendingWritesOptions {
  readonly redis: Redis;
  /** The Redis list of queued writes, e.g. `gw:persist:pending`. */
  readonly key: string;
  readonly writer: DocWriter;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** How often the flusher tries. @default 2000 */
  readonly intervalMs?: number;
  /** Writes per flush at most. @default 500 */
  readonly batch?: number;
}

const LOCK_TTL_MS = 30_000;

/** Deletes the lock only if this flusher still owns it. */
const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Cosmos writes that could not be made (outage, throttling past the SDK's retries) wait in a Redis list,
 * shared by every replica, in order. A background flusher (interval unref'd; one replica at a time through a
 * Redis lock) replays them head first until Cosmos takes them again. Replays are idempotent upserts.
 */
export class PendingWrites {
  readonly #opts: PendingWritesOptions;
  readonly #lockKey: string;
  readonly #owner = randomUUID();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<number> | undefined;
  #stopped = false;

  constructor(opts: PendingWritesOptions) {
    this.#opts = opts;
    this.#lockKey = `${opts.key}:lock`;
  }

  async length(): Promise<number> {
    const n = await this.#opts.redis.llen(this.#opts.key);
    this.#opts.metrics.persistPending.set(n);
    return n;
  }

  async enqueue(docs: readonly StoreDoc[]): Promise<void> {
    if (docs.length === 0) return;
    const n = await this.#opts.redis.rpush(this.#opts.key, ...docs.map((d) => JSON.stringify(d)));
    this.#opts.metrics.persistPending.set(n);
    this.#opts.metrics.persistWrites.inc({ path: 'queued', result: 'ok' }, docs.length);
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => void this.flush().catch(() => undefined), this.#opts.intervalMs ?? 2_000);
    this.#timer.unref();
  }

  /** Stops the interval and waits for a flush in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#flushing?.catch(() => undefined);
  }

  /** Replays queued writes in order until the list is empty or a write fails; returns how many were written. */
  flush(): Promise<number> {
    this.#flushing ??= this.#flushOnce().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flushOnce(): Promise<number> {
    const { redis, key, writer, logger, metrics } = this.#opts;
    if ((await redis.llen(key)) === 0) {
      metrics.persistPending.set(0);
      return 0;
    }
    const locked = await redis.set(this.#lockKey, this.#owner, 'PX', LOCK_TTL_MS, 'NX');
    if (locked !== 'OK') return 0;
    let written = 0;
    try {
      for (let i = 0; i < (this.#opts.batch ?? 500) && !this.#stopped; i++) {
        const head = await redis.lindex(key, 0);
        if (head === null) break;
        let doc: StoreDoc | undefined;
        try {
          doc = JSON.parse(head) as StoreDoc;
        } catch {
          logger.error({ key }, 'dropping an unreadable queued write');
        }
        if (doc) {
          try {
            await writer.write(doc);
          } catch (err) {
            metrics.persistWrites.inc({ path: 'flushed', result: 'error' });
            logger.debug({ err: describe(err) }, 'queued writes still waiting for Cosmos');
            break;
          }
        }
        await redis.lpop(key);
        written += 1;
        metrics.persistWrites.inc({ path: 'flushed', result: 'ok' });
      }
    } finally {
      await redis.eval(RELEASE_LOCK, 1, this.#lockKey, this.#owner).catch(() => undefined);
      await this.length().catch(() => undefined);
    }
    if (written > 0) logger.info({ written }, 'queued conversation writes persisted');
    return written;
  }
}
