import { endianness } from 'node:os';
import type { Redis } from 'ioredis';
import { StateArgumentError } from './errors/state-argument-error.js';
import { wholeSeconds } from './util.js';

export interface VectorMatch {
  id: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
  value: string;
}

/** Nearest-neighbour cache for the semantic response cache. */
export interface VectorCacheStore {
  add(namespace: string, id: string, vector: number[], value: string, ttlSec: number): Promise<void>;
  /** The most similar live entry with cosine score ≥ minScore, or null. */
  nearest(namespace: string, vector: number[], minScore: number): Promise<VectorMatch | null>;
}

export interface RedisVectorCacheOptions {
  redis: Redis;
  /** Key prefix, e.g. `llm:semantic:`. */
  prefix: string;
  /** Entries kept per namespace; the ones expiring soonest are evicted first. @default 2000 */
  maxEntries?: number;
  /** Milliseconds clock for expiry bookkeeping. @default Date.now */
  clock?: () => number;
}

// KEYS: vectors hash, values hash, expiry zset. ARGV: id, vector, value, expiresAtMs, nowMs, maxEntries, keyTtlMs.
const ADD_SCRIPT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
local function drop(ids)
  for i = 1, #ids do
    redis.call('HDEL', KEYS[1], ids[i])
    redis.call('HDEL', KEYS[2], ids[i])
    redis.call('ZREM', KEYS[3], ids[i])
  end
end
drop(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[5], 'LIMIT', 0, 500))
local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[6])
if excess > 0 then drop(redis.call('ZRANGE', KEYS[3], 0, excess - 1)) end
local newest = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
local ttl = tonumber(ARGV[7])
if newest[2] then ttl = math.max(ttl, tonumber(newest[2]) - tonumber(ARGV[5])) end
for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], math.ceil(ttl)) end
return 1
`;

const SCAN_PAGE = 200;
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Redis VectorCacheStore: per namespace a hash of packed Float32 vectors, a hash of values and a sorted
 * set of expiry times, all under one hash tag. `nearest` HSCANs the vectors and scores them in process
 * (brute-force cosine), so it suits a few thousand entries per namespace (2 000 × 1 536 dims ≈ 12 MB
 * read per lookup, ~25–40 ms); bigger corpora want a vector index (RediSearch / Azure AI Search).
 */
export class RedisVectorCache implements VectorCacheStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(opts: RedisVectorCacheOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix;
    this.maxEntries = opts.maxEntries ?? 2000;
    this.clock = opts.clock ?? Date.now;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new StateArgumentError('maxEntries must be an integer >= 1');
    }
  }

  async add(namespace: string, id: string, vector: number[], value: string, ttlSec: number): Promise<void> {
    const packed = packVector(vector);
    if (!(ttlSec > 0)) throw new StateArgumentError('ttlSec must be a positive number');
    const now = this.clock();
    const ttlMs = wholeSeconds(ttlSec) * 1000;
    const [vecKey, valKey, expKey] = this.keys(namespace);
    await this.redis.eval(ADD_SCRIPT, 3, vecKey, valKey, expKey, id, packed, value, now + ttlMs, now, this.maxEntries, ttlMs);
  }

  async nearest(namespace: string, vector: number[], minScore: number): Promise<VectorMatch | null> {
    const query = Float32Array.from(checkVector(vector));
    const queryNorm = norm(query);
    if (queryNorm === 0) return null;
    const [vecKey, valKey, expKey] = this.keys(namespace);
    const live = new Set(await this.redis.zrangebyscore(expKey, `(${this.clock()}`, '+inf'));
    if (live.size === 0) return null;

    let best: { id: string; score: number } | null = null;
    let cursor = '0';
    // Bounded: HSCAN visits each field at most a few times; the hash is capped at maxEntries.
    for (let page = 0; page < Math.ceil((this.maxEntries * 4) / SCAN_PAGE) + 10; page++) {
      const [next, flat] = await this.redis.hscanBuffer(vecKey, cursor, 'COUNT', SCAN_PAGE);
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const [field, packed] = [flat[i], flat[i + 1]];
        if (!field || !packed) continue;
        const id = field.toString();
        if (!live.has(id)) continue;
        const score = cosine(query, queryNorm, packed);
        if (score !== null && score >= minScore && (best === null || score > best.score)) best = { id, score };
      }
      cursor = next.toString();
      if (cursor === '0') break;
    }
    if (best === null) return null;
    const value = await this.redis.hget(valKey, best.id);
    return value === null ? null : { id: best.id, score: best.score, value };
  }

  /** Drop a whole namespace (tests, cache flush on knowledge-base reindex). */
  async clear(namespace: string): Promise<void> {
    await this.redis.del(...this.keys(namespace));
  }

  private keys(namespace: string): [string, string, string] {
    const base = `${this.prefix}{${namespace}}`;
    return [`${base}:vec`, `${base}:val`, `${base}:exp`];
  }
}

export interface MemoryVectorCacheOptions {
  /** Entries kept per namespace; the ones expiring soonest are evicted first. @default 2000 */
  maxEntries?: number;
  /** Milliseconds clock; inject for tests. @default Date.now */
  clock?: () => number;
}

/** Per-process VectorCacheStore with the same semantics as RedisVectorCache. */
export class MemoryVectorCache implements VectorCacheStore {
  private readonly namespaces = new Map<string, Map<string, { vector: Float32Array; value: string; expiresAt: number }>>();
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(opts: MemoryVectorCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 2000;
    this.clock = opts.clock ?? Date.now;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new StateArgumentError('maxEntries must be an integer >= 1');
    }
  }

  async add(namespace: string, id: string, vector: number[], value: string, ttlSec: number): Promise<void> {
    const stored = Float32Array.from(checkVector(vector));
    if (!(ttlSec > 0)) throw new StateArgumentError('ttlSec must be a positive number');
    let entries = this.namespaces.get(namespace);
    if (!entries) this.namespaces.set(namespace, (entries = new Map()));
    const now = this.clock();
    entries.set(id, { vector: stored, value, expiresAt: now + wholeSeconds(ttlSec) * 1000 });
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
    while (entries.size > this.maxEntries) {
      let victim: string | undefined;
      let soonest = Infinity;
      for (const [key, entry] of entries) {
        if (entry.expiresAt < soonest) [victim, soonest] = [key, entry.expiresAt];
      }
      if (victim === undefined) break;
      entries.delete(victim);
    }
  }

  async nearest(namespace: string, vector: number[], minScore: number): Promise<VectorMatch | null> {
    const query = Float32Array.from(checkVector(vector));
    const queryNorm = norm(query);
    const entries = this.namespaces.get(namespace);
    if (!entries || queryNorm === 0) return null;
    const now = this.clock();
    let best: VectorMatch | null = null;
    for (const [id, entry] of entries) {
      if (entry.expiresAt <= now) continue;
      const score = cosine(query, queryNorm, entry.vector);
      if (score !== null && score >= minScore && (best === null || score > best.score)) {
        best = { id, score, value: entry.value };
      }
    }
    return best;
  }
}

function checkVector(vector: number[]): number[] {
  if (vector.length === 0 || !vector.every(Number.isFinite)) {
    throw new StateArgumentError('vector must be a non-empty array of finite numbers');
  }
  return vector;
}

/** Little-endian Float32 bytes, the layout RediSearch also uses. */
export function packVector(vector: number[]): Buffer {
  const f32 = Float32Array.from(checkVector(vector));
  const buf = Buffer.alloc(f32.length * 4);
  f32.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf;
}

export function unpackVector(buf: Buffer): Float32Array {
  const length = Math.floor(buf.length / 4);
  if (LITTLE_ENDIAN) {
    // View the bytes in place when aligned, else one byte copy into an aligned array.
    if (buf.byteOffset % 4 === 0) return new Float32Array(buf.buffer, buf.byteOffset, length);
    const out = new Float32Array(length);
    new Uint8Array(out.buffer).set(buf.subarray(0, length * 4));
    return out;
  }
  const out = new Float32Array(length);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

function norm(v: Float32Array): number {
  let sum = 0;
  for (const x of v) sum += x * x;
  return Math.sqrt(sum);
}

/** Cosine similarity; null when dimensions differ or the candidate is all zeros. */
function cosine(query: Float32Array, queryNorm: number, candidate: Float32Array | Buffer): number | null {
  const vec = candidate instanceof Float32Array ? candidate : unpackVector(candidate);
  if (vec.length !== query.length) return null;
  let dot = 0;
  let sq = 0;
  for (let i = 0; i < vec.length; i++) {
    const x = vec[i] ?? 0;
    dot += x * (query[i] ?? 0);
    sq += x * x;
  }
  return sq === 0 ? null : dot / (queryNorm * Math.sqrt(sq));
}
