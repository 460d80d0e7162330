import { INTENTS, type ConversationTurnEvent, type Intent } from '@supportmesh/contracts';
import { RedisScript, StateArgumentError, type Redis } from '@supportmesh/state';
import { bucketOf } from './latency-buckets.js';

/** Costs are summed as integer nano-dollars, so totals are exact whatever the order of events. */
const NANO = 1e9;

/**
 * Applies one turn exactly once: the `processed` marker (SET NX EX) and every counter change happen in
 * one atomic script, so a redelivered event (consumer died after aggregating, before XACK) is a no-op.
 *
 * KEYS: 1 processed marker, 2 conversation marker, 3 totals hash, 4 per-intent hash, 5 latency bucket hash
 * ARGV: 1 dedup ttl, 2 conversation ttl, 3 intent, 4 escalated, 5 contained, 6 cached, 7 prompt tokens,
 *       8 completion tokens, 9 cost (nano-USD), 10 latency bucket, 11 latency ms, 12 large-model call,
 *       13 small-model call, 14 routable large-model call, 15 event time (epoch ms)
 */
const APPLY_TURN = new RedisScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local t, i, p = KEYS[3], KEYS[4], ARGV[3] .. ':'
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then redis.call('HINCRBY', t, 'conversations', 1) end
redis.call('HINCRBY', t, 'turns', 1)
redis.call('HINCRBY', i, p .. 'turns', 1)
if ARGV[4] == '1' then
  redis.call('HINCRBY', t, 'escalated', 1)
  redis.call('HINCRBY', i, p .. 'escalated', 1)
end
if ARGV[5] == '1' then redis.call('HINCRBY', t, 'contained', 1) end
if ARGV[6] == '1' then
  redis.call('HINCRBY', t, 'cached', 1)
  redis.call('HINCRBY', i, p .. 'cached', 1)
else
  redis.call('HINCRBY', i, p .. 'uncachedCostNano', ARGV[9])
end
redis.call('HINCRBY', t, 'promptTokens', ARGV[7])
redis.call('HINCRBY', t, 'completionTokens', ARGV[8])
redis.call('HINCRBY', t, 'costNano', ARGV[9])
redis.call('HINCRBY', i, p .. 'costNano', ARGV[9])
redis.call('HINCRBY', KEYS[5], ARGV[10], 1)
local latency = tonumber(ARGV[11])
if latency > tonumber(redis.call('HGET', t, 'latencyMaxMs') or '-1') then redis.call('HSET', t, 'latencyMaxMs', ARGV[11]) end
if ARGV[12] == '1' then
  redis.call('HINCRBY', t, 'largeCalls', 1)
  redis.call('HINCRBY', i, p .. 'largeCalls', 1)
end
if ARGV[13] == '1' then redis.call('HINCRBY', t, 'smallCalls', 1) end
if ARGV[14] == '1' then
  redis.call('HINCRBY', t, 'routableLargeCalls', 1)
  redis.call('HINCRBY', t, 'routableLargeCostNano', ARGV[9])
  redis.call('HINCRBY', i, p .. 'routableLargeCalls', 1)
  redis.call('HINCRBY', i, p .. 'routableLargeCostNano', ARGV[9])
end
local at = tonumber(ARGV[15])
if at < tonumber(redis.call('HGET', t, 'firstAtMs') or '1e300') then redis.call('HSET', t, 'firstAtMs', ARGV[15]) end
if at > tonumber(redis.call('HGET', t, 'lastAtMs') or '-1') then redis.call('HSET', t, 'lastAtMs', ARGV[15]) end
return 1
`);

export interface IntentAggregate {
  turns: number;
  escalated: number;
  cached: number;
  costUsd: number;
  uncachedCostUsd: number;
  largeCalls: number;
  routableLargeCalls: number;
  routableLargeCostUsd: number;
}

/** Everything aggregated so far (all replicas), read in one MULTI so the numbers agree with each other. */
export interface AggregateSnapshot {
  turns: number;
  conversations: number;
  escalated: number;
  contained: number;
  cached: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** LLM calls (not served from cache) by a large / small model. */
  largeCalls: number;
  smallCalls: number;
  /** Large-model calls for turns classified with at least the routing confidence, and their cost. */
  routableLargeCalls: number;
  routableLargeCostUsd: number;
  latencyMaxMs: number;
  /** Latency bucket index → count (see latency-buckets.ts). */
  latencyBuckets: Map<number, number>;
  /** Event time span seen (epoch ms); undefined before the first event. */
  firstAtMs: number | undefined;
  lastAtMs: number | undefined;
  intents: Partial<Record<Intent, IntentAggregate>>;
}

export interface AnalyticsStoreOptions {
  readonly redis: Redis;
  /** Key prefix, e.g. `{analytics}:` (keep a hash tag on Redis Cluster). */
  readonly prefix: string;
  /** How long an applied event id is remembered. @default 86_400 */
  readonly dedupTtlSec?: number;
  /** How long a conversation id is remembered for the distinct count. @default 30 days */
  readonly conversationTtlSec?: number;
  /** Model names matching this are small models; others are large. @default /mini|nano|small|haiku|3\.5/i */
  readonly smallModelPattern?: RegExp;
  /** Large-model calls for turns classified at least this confidently are "routable". @default 0.9 */
  readonly routingConfidence?: number;
}

/** Idempotent turn aggregates in Redis, shared by every analytics replica. */
export class AnalyticsStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly dedupTtlSec: number;
  private readonly conversationTtlSec: number;
  private readonly smallModelPattern: RegExp;
  private readonly routingConfidence: number;

  constructor(opts: AnalyticsStoreOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix;
    this.dedupTtlSec = Math.max(1, Math.ceil(opts.dedupTtlSec ?? 86_400));
    this.conversationTtlSec = Math.max(1, Math.ceil(opts.conversationTtlSec ?? 30 * 86_400));
    this.smallModelPattern = opts.smallModelPattern ?? /mini|nano|small|haiku|3\.5/i;
    this.routingConfidence = opts.routingConfidence ?? 0.9;
  }

  /** Adds the turn to the aggregates unless its `eventId` was applied before. Resolves true when applied. */
  async apply(event: ConversationTurnEvent): Promise<boolean> {
    const llmCall = !event.cached && event.model !== undefined && event.model !== '';
    const small = llmCall && this.smallModelPattern.test(event.model ?? '');
    const large = llmCall && !small;
    const routable = large && event.confidence >= this.routingConfidence;
    const latencyMs = event.latencyMs.total;
    const atMs = Date.parse(event.at);
    const costNano = Math.round(event.costUsd * NANO);
    // The script marks the event processed before it increments; a number Redis cannot add (not a safe integer)
    // would leave a half-applied turn that every redelivery then skips. Refuse it before any write.
    for (const [name, value] of [['promptTokens', event.usage.promptTokens], ['completionTokens', event.usage.completionTokens], ['costUsd', costNano], ['at', atMs]] as const) {
      if (!Number.isSafeInteger(value)) throw new StateArgumentError(`conversation.turn ${name} cannot be aggregated exactly`);
    }
    const result = await APPLY_TURN.run(
      this.redis,
      [
        this.key(`processed:${event.eventId}`),
        this.key(`conversation:${event.conversationId}`),
        this.key('totals'),
        this.key('intents'),
        this.key('latency'),
      ],
      [
        this.dedupTtlSec,
        this.conversationTtlSec,
        event.intent,
        flag(event.escalated),
        flag(event.containment),
        flag(event.cached),
        event.usage.promptTokens,
        event.usage.completionTokens,
        costNano,
        bucketOf(latencyMs),
        Math.round(latencyMs * 1000) / 1000,
        flag(large),
        flag(small),
        flag(routable),
        atMs,
      ],
    );
    return Number(result) === 1;
  }

  async snapshot(): Promise<AggregateSnapshot> {
    const results = await this.redis
      .multi()
      .hgetall(this.key('totals'))
      .hgetall(this.key('intents'))
      .hgetall(this.key('latency'))
      .exec();
    const [totals, intentFields, latency] = (results ?? []).map(([err, value]) => {
      if (err) throw err;
      return (value ?? {}) as Record<string, string>;
    }) as [Record<string, string>, Record<string, string>, Record<string, string>];

    const n = (field: string): number => num(totals[field]);
    const latencyBuckets = new Map<number, number>();
    for (const [bucket, count] of Object.entries(latency)) latencyBuckets.set(Number(bucket), num(count));

    return {
      turns: n('turns'),
      conversations: n('conversations'),
      escalated: n('escalated'),
      contained: n('contained'),
      cached: n('cached'),
      promptTokens: n('promptTokens'),
      completionTokens: n('completionTokens'),
      costUsd: n('costNano') / NANO,
      largeCalls: n('largeCalls'),
      smallCalls: n('smallCalls'),
      routableLargeCalls: n('routableLargeCalls'),
      routableLargeCostUsd: n('routableLargeCostNano') / NANO,
      latencyMaxMs: n('latencyMaxMs'),
      latencyBuckets,
      firstAtMs: totals['firstAtMs'] === undefined ? undefined : n('firstAtMs'),
      lastAtMs: totals['lastAtMs'] === undefined ? undefined : n('lastAtMs'),
      intents: parseIntents(intentFields),
    };
  }

  private key(suffix: string): string {
    return this.prefix + suffix;
  }
}

function parseIntents(fields: Record<string, string>): Partial<Record<Intent, IntentAggregate>> {
  const known = new Set<string>(INTENTS);
  const intents: Partial<Record<Intent, IntentAggregate>> = {};
  for (const [field, value] of Object.entries(fields)) {
    const sep = field.lastIndexOf(':');
    const intent = field.slice(0, sep);
    if (!known.has(intent)) continue;
    const agg = (intents[intent as Intent] ??= {
      turns: 0,
      escalated: 0,
      cached: 0,
      costUsd: 0,
      uncachedCostUsd: 0,
      largeCalls: 0,
      routableLargeCalls: 0,
      routableLargeCostUsd: 0,
    });
    const v = num(value);
    switch (field.slice(sep + 1)) {
      case 'turns': agg.turns = v; break;
      case 'escalated': agg.escalated = v; break;
      case 'cached': agg.cached = v; break;
      case 'costNano': agg.costUsd = v / NANO; break;
      case 'uncachedCostNano': agg.uncachedCostUsd = v / NANO; break;
      case 'largeCalls': agg.largeCalls = v; break;
      case 'routableLargeCalls': agg.routableLargeCalls = v; break;
      case 'routableLargeCostNano': agg.routableLargeCostUsd = v / NANO; break;
    }
  }
  return intents;
}

function flag(b: boolean): string {
  return b ? '1' : '0';
}

function num(s: string | undefined): number {
  const v = Number(s ?? 0);
  return Number.isFinite(v) ? v : 0;
}
