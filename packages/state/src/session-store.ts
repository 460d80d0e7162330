import type { Redis } from 'ioredis';
import { StateArgumentError } from './errors/state-argument-error.js';
import { StateCorruptError } from './errors/state-corrupt-error.js';
import { assertExec, wholeSeconds } from './util.js';

export interface SessionStoreOptions {
  redis: Redis;
  /** Key prefix, e.g. `gw:session:`. */
  prefix: string;
  /** Sliding time to live: every write and `touch` restarts it. @default 3600 */
  ttlSec?: number;
}

/**
 * Hot session state shared by replicas: one JSON document (`get`/`set`) and one capped list of items
 * (`append`/`items`, e.g. turn history) per session id. Both keys share a hash tag so they live in the
 * same cluster slot and are written in one MULTI. Values are JSON; callers validate what they read.
 */
export class SessionStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlSec: number;

  constructor(opts: SessionStoreOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix;
    this.ttlSec = wholeSeconds(opts.ttlSec ?? 3600);
  }

  /** The session document, or null when absent or expired. */
  async get<T = unknown>(id: string): Promise<T | null> {
    const raw = await this.redis.get(this.docKey(id));
    return raw === null ? null : decode<T>(raw);
  }

  /** Replace the session document and restart the TTL of the whole session. */
  async set(id: string, value: unknown): Promise<void> {
    await this.redis
      .multi()
      .set(this.docKey(id), encode(value), 'EX', this.ttlSec)
      .expire(this.listKey(id), this.ttlSec)
      .exec()
      .then(assertExec);
  }

  /**
   * Append an item to the session's list, keep only the newest `maxItems`, restart the TTL.
   * Returns the list length after trimming.
   */
  async append(id: string, item: unknown, maxItems?: number): Promise<number> {
    if (maxItems !== undefined && (!Number.isInteger(maxItems) || maxItems < 1)) {
      throw new StateArgumentError('maxItems must be an integer >= 1');
    }
    const listKey = this.listKey(id);
    const tx = this.redis.multi().rpush(listKey, encode(item));
    if (maxItems !== undefined) tx.ltrim(listKey, -maxItems, -1);
    tx.llen(listKey).expire(listKey, this.ttlSec).expire(this.docKey(id), this.ttlSec);
    const results = assertExec(await tx.exec());
    return Number(results[maxItems === undefined ? 1 : 2]);
  }

  /** The session's list items, oldest first; `last` limits to the newest n. */
  async items<T = unknown>(id: string, last?: number): Promise<T[]> {
    const start = last === undefined ? 0 : -Math.max(1, Math.floor(last));
    const raw = await this.redis.lrange(this.listKey(id), start, -1);
    return raw.map((r) => decode<T>(r));
  }

  /** Restart the TTL without writing. Returns false when the session does not exist. */
  async touch(id: string): Promise<boolean> {
    const results = assertExec(
      await this.redis.multi().expire(this.docKey(id), this.ttlSec).expire(this.listKey(id), this.ttlSec).exec(),
    );
    return results.some((r) => Number(r) === 1);
  }

  /** Remove the document and the list. Returns true when something was deleted. */
  async delete(id: string): Promise<boolean> {
    return (await this.redis.del(this.docKey(id), this.listKey(id))) > 0;
  }

  private docKey(id: string): string {
    return `${this.prefix}{${id}}`;
  }

  private listKey(id: string): string {
    return `${this.prefix}{${id}}:items`;
  }
}

function encode(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new StateArgumentError('session values must be JSON-serialisable');
  return json;
}

function decode<T>(raw: string): T {
  try {
    return JSON.parse(raw) as T;
  } catch (cause) {
    throw new StateCorruptError('Stored session value is not valid JSON', { cause });
  }
}
