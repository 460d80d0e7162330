import { applyEdits, canonicalPii, REDACTED, TOKEN_LABELS, type PiiSpan, type PiiType } from '@supportmesh/pii';
import type { TokenVault } from './vault.js';

/** The few Redis commands the vault uses (an ioredis client fits). */
export interface VaultRedis {
  hgetall(key: string): Promise<Record<string, string>>;
  hincrby(key: string, field: string, increment: number): Promise<number>;
  hset(key: string, data: Record<string, string>): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
}

export interface RedisTokenVaultOptions {
  readonly redis: VaultRedis;
  /** Key prefix, e.g. `critic:pii:`; the hash key is prefix + conversationId. */
  readonly prefix: string;
  /** Sliding TTL in seconds (default 3600, like the hot session). */
  readonly ttlSec?: number;
}

const TOKEN_FIELD = /^\[([A-Z]+)_(\d+)\]$/;
const TYPES = Object.keys(TOKEN_LABELS) as PiiType[];

/**
 * One Redis hash per conversation: fields `[EMAIL_1]` → raw value plus counters `#EMAIL` → last index
 * (HINCRBY, so concurrent turns never hand out the same token for different values).
 */
export class RedisTokenVault implements TokenVault {
  readonly #redis: VaultRedis;
  readonly #prefix: string;
  readonly #ttlSec: number;

  constructor(options: RedisTokenVaultOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix;
    this.#ttlSec = options.ttlSec ?? 3600;
  }

  async mapping(conversationId: string): Promise<Record<string, string>> {
    const all = await this.#redis.hgetall(this.#key(conversationId));
    return Object.fromEntries(Object.entries(all).filter(([field]) => TOKEN_FIELD.test(field)));
  }

  async tokenize(conversationId: string, text: string, spans: readonly PiiSpan[]): Promise<string> {
    if (spans.length === 0) return text;
    const key = this.#key(conversationId);
    const known = new Map<string, string>();
    for (const [token, value] of Object.entries(await this.mapping(conversationId))) {
      const label = TOKEN_FIELD.exec(token)?.[1];
      const type = TYPES.find((t) => TOKEN_LABELS[t] === label);
      if (type) known.set(`${type}:${canonicalPii(type, value)}`, token);
    }
    const fresh: Record<string, string> = {};
    const assigned = new Map<PiiSpan, string>();
    for (const span of spans) {
      const value = text.slice(span.start, span.end);
      const id = `${span.type}:${canonicalPii(span.type, value)}`;
      let token = known.get(id);
      if (token === undefined) {
        const label = TOKEN_LABELS[span.type];
        token = `[${label}_${await this.#redis.hincrby(key, `#${label}`, 1)}]`;
        known.set(id, token);
        fresh[token] = value;
      }
      assigned.set(span, token);
    }
    if (Object.keys(fresh).length > 0) await this.#redis.hset(key, fresh);
    await this.#redis.expire(key, this.#ttlSec);
    return applyEdits(
      text,
      spans.map((s) => ({ start: s.start, end: s.end, replacement: assigned.get(s) ?? REDACTED })),
    );
  }

  #key(conversationId: string): string {
    return `${this.#prefix}${conversationId}`;
  }
}

