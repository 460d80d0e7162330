import { randomUUID } from 'node:crypto';
import type { ConversationRecord, ConversationStatus, ConversationTurn } from '@supportmesh/contracts';
import { HttpError, NotFoundError } from '@supportmesh/service-kit';
import type { Redis, SessionStore } from '@supportmesh/state';
import type { Logger } from '@supportmesh/telemetry';
import type { Principal } from '../auth/principal.js';
import type { GatewayMetrics } from '../metrics.js';
import { describe } from '../log-safe.js';
import type { ConversationRead } from './cosmos-store.js';
import { messageId, type ConversationDoc, type MessageDoc, type StoreDoc } from './documents.js';
import type { PendingWrites } from './pending-writes.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

/** The hot session document in Redis. */
export interface SessionDoc {
  readonly owner: string;
  readonly channel: string;
  readonly createdAt: string;
  readonly status: ConversationStatus;
  readonly failedTurns: number;
}

/** What the pipeline needs to run a turn. */
export interface OpenConversation {
  readonly id: string;
  readonly session: SessionDoc;
  /** Recent turns (tokenised text), oldest first. */
  readonly history: ConversationTurn[];
}

/** The durable side (Cosmos). */
export interface DurableStore {
  write(doc: StoreDoc): Promise<void>;
  read(conversationId: string): Promise<ConversationRead>;
}

export interface ConversationsOptions {
  readonly redis: Redis;
  readonly sessions: SessionStore;
  /** Prefix of the per-conversation turn counters (same TTL as the session). */
  readonly seqPrefix: string;
  readonly sessionTtlSec: number;
  readonly durable: DurableStore;
  readonly pending: PendingWrites;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly clock?: () => Date;
}

/** Turns kept in the hot session (user + assistant items). */
export const SESSION_ITEMS = 200;

const nowIso = (clock: () => Date) => clock().toISOString();

function canRead(p: Principal, owner: string): boolean {
  return p.role === 'admin' || p.user === owner;
}

/**
 * Conversations: the hot session in Redis (owner, status, failed turns, recent turns; TTL) in front of
 * Cosmos. Writes go to Cosmos directly, or into the pending queue when Cosmos fails or the queue is not
 * empty (to keep order); reads prefer Cosmos merged with Redis, fall back to Redis, and answer 503
 * `STORE_UNAVAILABLE` only when neither can say whether the conversation exists.
 */
export class Conversations {
  readonly #o: ConversationsOptions;
  readonly #clock: () => Date;

  constructor(opts: ConversationsOptions) {
    this.#o = opts;
    this.#clock = opts.clock ?? (() => new Date());
  }

  /** Creates a conversation owned by `owner`; `id` for channel threads (deterministic ids). */
  async create(owner: string, channel: string, id: string = randomUUID()): Promise<string> {
    const at = nowIso(this.#clock);
    const session: SessionDoc = { owner, channel, createdAt: at, status: 'open', failedTurns: 0 };
    await this.#redis(async () => {
      await this.#o.sessions.set(id, session);
      await this.#o.redis.set(this.#seqKey(id), '0', 'EX', this.#o.sessionTtlSec, 'NX');
    });
    await this.persist([this.#conversationDoc(id, session, at)]);
    return id;
  }

  /**
   * Opens a conversation for a new turn: 404 when unknown or not the caller's (existence is not revealed),
   * 409 `CONVERSATION_ENDED`, 503 `STORE_UNAVAILABLE` when it is not in Redis and Cosmos cannot answer.
   * A conversation that left Redis is re-hydrated from Cosmos.
   */
  async open(id: string, principal: Principal): Promise<OpenConversation> {
    const found = await this.#load(id);
    if (!found || found.session.owner !== principal.user) throw new NotFoundError('Conversation not found');
    if (found.session.status === 'ended') throw new HttpError(409, 'CONVERSATION_ENDED', 'This conversation has ended; start a new one');
    return { id, session: found.session, history: found.items.slice(-40) };
  }

  /** For channel webhooks: the thread's conversation, created on first contact. */
  async openOrCreate(id: string, principal: Principal, channel: string): Promise<OpenConversation> {
    const found = await this.#load(id);
    if (!found) {
      await this.create(principal.user, channel, id);
      return { id, session: { owner: principal.user, channel, createdAt: nowIso(this.#clock), status: 'open', failedTurns: 0 }, history: [] };
    }
    if (found.session.owner !== principal.user) throw new NotFoundError('Conversation not found');
    if (found.session.status === 'ended') {
      // A channel thread that was ended and written to again starts over.
      await this.#redis(() => this.#o.sessions.set(id, { ...found.session, status: 'open' }));
      await this.persist([this.#conversationDoc(id, { ...found.session, status: 'open' }, nowIso(this.#clock))]);
    }
    return { id, session: { ...found.session, status: 'open' }, history: found.items.slice(-40) };
  }

  /** Allocates the next turn number (atomic across replicas). */
  async nextTurn(id: string, history: readonly ConversationTurn[]): Promise<number> {
    return this.#redis(async () => {
      const key = this.#seqKey(id);
      const [[, n]] = (await this.#o.redis.multi().incr(key).expire(key, this.#o.sessionTtlSec).exec()) as [[unknown, number]];
      const floor = history.reduce((max, t) => Math.max(max, t.turn + 1), 0);
      if (n - 1 >= floor) return n - 1;
      // The counter was lost (expired on its own): continue after the last known turn.
      await this.#o.redis.set(key, String(floor + 1), 'EX', this.#o.sessionTtlSec);
      return floor;
    });
  }

  /** Records one exchange: Redis session (history, failed turns) then Cosmos (direct or queued). */
  async recordTurn(conv: OpenConversation, user: ConversationTurn, assistant: ConversationTurn, failed: boolean): Promise<'direct' | 'queued'> {
    await this.#redis(async () => {
      await this.#o.sessions.append(conv.id, user, SESSION_ITEMS);
      await this.#o.sessions.append(conv.id, assistant, SESSION_ITEMS);
      if (failed) {
        const current = (await this.#o.sessions.get<SessionDoc>(conv.id)) ?? conv.session;
        await this.#o.sessions.set(conv.id, { ...current, failedTurns: current.failedTurns + 1 });
      } else {
        await this.#o.sessions.touch(conv.id);
      }
    });
    return this.persist([this.#messageDoc(conv.id, user), this.#messageDoc(conv.id, assistant)]);
  }

  /** Marks the conversation ended (owner or admin). */
  async end(id: string, principal: Principal): Promise<void> {
    const found = await this.#load(id);
    if (!found || !canRead(principal, found.session.owner)) throw new NotFoundError('Conversation not found');
    const ended: SessionDoc = { ...found.session, status: 'ended' };
    await this.#redis(() => this.#o.sessions.set(id, ended));
    await this.persist([this.#conversationDoc(id, ended, nowIso(this.#clock))]);
  }

  /** The whole conversation for its owner or an admin (404 for anyone else). */
  async record(id: string, principal: Principal): Promise<ConversationRecord> {
    let session: SessionDoc | null | undefined;
    let items: ConversationTurn[] = [];
    try {
      session = await this.#o.sessions.get<SessionDoc>(id);
      if (session) items = await this.#o.sessions.items<ConversationTurn>(id);
    } catch (err) {
      this.#o.logger.warn({ err: describe(err) }, 'session store unreadable; reading Cosmos only');
      session = undefined;
    }
    let durable: ConversationRead | undefined;
    try {
      durable = await this.#o.durable.read(id);
    } catch (err) {
      this.#o.logger.warn({ err: describe(err) }, 'Cosmos unreadable; answering from the session');
    }
    if (!durable && !session) throw new StoreUnavailableError(5);
    const owner = session?.owner ?? durable?.conversation?.owner;
    if (owner === undefined || !canRead(principal, owner)) throw new NotFoundError('Conversation not found');

    const turns = new Map<string, ConversationTurn>();
    for (const m of durable?.messages ?? []) turns.set(messageId(id, m.turn, m.role), toTurn(m));
    for (const t of items) turns.set(messageId(id, t.turn, t.role), t);
    const status: ConversationStatus =
      session?.status === 'ended' || durable?.conversation?.status === 'ended' ? 'ended' : 'open';
    const createdAt = session?.createdAt ?? durable?.conversation?.createdAt ?? nowIso(this.#clock);
    return {
      id,
      createdAt,
      status,
      turns: [...turns.values()].sort((a, b) => a.turn - b.turn || (a.role === b.role ? 0 : a.role === 'user' ? -1 : 1)),
    };
  }

  /** Writes docs to Cosmos in order; from the first failure on (or when writes are already queued) they queue. */
  async persist(docs: readonly StoreDoc[]): Promise<'direct' | 'queued'> {
    const { pending, durable, metrics, logger } = this.#o;
    if ((await this.#redis(() => pending.length())) > 0) {
      await this.#redis(() => pending.enqueue(docs));
      void pending.flush().catch(() => undefined);
      return 'queued';
    }
    for (let i = 0; i < docs.length; i++) {
      try {
        await durable.write(docs[i] as StoreDoc);
        metrics.persistWrites.inc({ path: 'direct', result: 'ok' });
      } catch (err) {
        metrics.persistWrites.inc({ path: 'direct', result: 'error' });
        logger.warn({ err: describe(err) }, 'Cosmos write failed; queued for later');
        await this.#redis(() => pending.enqueue(docs.slice(i)));
        return 'queued';
      }
    }
    return 'direct';
  }

  /** Session + recent items from Redis, else from Cosmos (re-hydrating Redis); undefined when unknown. */
  async #load(id: string): Promise<{ session: SessionDoc; items: ConversationTurn[] } | undefined> {
    const session = await this.#redis(() => this.#o.sessions.get<SessionDoc>(id));
    if (session) {
      const items = await this.#redis(() => this.#o.sessions.items<ConversationTurn>(id, 80));
      return { session, items };
    }
    let durable: ConversationRead;
    try {
      durable = await this.#o.durable.read(id);
    } catch (err) {
      throw new StoreUnavailableError(5, { cause: err });
    }
    const doc = durable.conversation;
    if (!doc) return undefined;
    const restored: SessionDoc = { owner: doc.owner, channel: doc.channel, createdAt: doc.createdAt, status: doc.status, failedTurns: 0 };
    const items = durable.messages.slice(-80).map(toTurn);
    await this.#redis(async () => {
      await this.#o.sessions.set(id, restored);
      for (const t of items) await this.#o.sessions.append(id, t, SESSION_ITEMS);
      const next = durable.messages.reduce((max, m) => Math.max(max, m.turn + 1), 0);
      await this.#o.redis.set(this.#seqKey(id), String(next), 'EX', this.#o.sessionTtlSec, 'NX');
    });
    return { session: restored, items };
  }

  #conversationDoc(id: string, s: SessionDoc, updatedAt: string): ConversationDoc {
    return { id, conversationId: id, type: 'conversation', owner: s.owner, channel: s.channel, createdAt: s.createdAt, status: s.status, updatedAt };
  }

  #messageDoc(id: string, t: ConversationTurn): MessageDoc {
    return {
      id: messageId(id, t.turn, t.role),
      conversationId: id,
      type: 'message',
      turn: t.turn,
      role: t.role,
      text: t.text,
      at: t.at,
      ...(t.intent ? { intent: t.intent } : {}),
      ...(t.citations ? { citations: t.citations } : {}),
    };
  }

  #seqKey(id: string): string {
    return `${this.#o.seqPrefix}{${id}}:seq`;
  }

  /** Redis failures become 503 `STORE_UNAVAILABLE` (never a 500). */
  async #redis<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new StoreUnavailableError(2, { cause: err });
    }
  }
}

function toTurn(m: MessageDoc): ConversationTurn {
  return {
    turn: m.turn,
    role: m.role,
    text: m.text,
    at: m.at,
    ...(m.intent ? { intent: m.intent } : {}),
    ...(m.citations ? { citations: m.citations } : {}),
  };
}
