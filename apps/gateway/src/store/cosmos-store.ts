import { Agent as HttpsAgent } from 'node:https';
import { CosmosClient, type Container } from '@azure/cosmos';
import { createCircuitBreaker, withTimeout, type CircuitBreaker } from '@supportmesh/resilience';
import type { Logger } from '@supportmesh/telemetry';
import { mergeConversation, type ConversationDoc, type MessageDoc, type StoreDoc } from './documents.js';

export interface CosmosStoreOptions {
  readonly endpoint: string;
  readonly key: string;
  readonly database: string;
  readonly container: string;
  /** Trust a self-signed certificate through this client's own agent (local mode only). */
  readonly allowSelfSigned: boolean;
  /** Create the database and container when missing (local mode). */
  readonly createIfMissing: boolean;
  /** Item TTL in seconds, -1 for none. */
  readonly ttlSec: number;
  /** Deadline per operation (the SDK's own 429 retries happen inside it). */
  readonly timeoutMs: number;
  /** Open the breaker after this many consecutive failures. @default 3 */
  readonly breakerFailures?: number;
  /** How long the breaker stays open before one probe. @default 5000 */
  readonly breakerResetMs?: number;
  readonly logger: Logger;
}

export interface ConversationRead {
  readonly conversation: ConversationDoc | undefined;
  readonly messages: MessageDoc[];
}

type Op = () => Promise<unknown>;

/**
 * Conversations in Cosmos DB (partition key `/conversationId`): one conversation doc and one doc per message,
 * written with idempotent upserts (deterministic ids; no transactional batch, which the local server lacks).
 * Every operation has a deadline and goes through one circuit breaker, so an outage fails fast.
 */
export class CosmosConversationStore {
  readonly #opts: CosmosStoreOptions;
  readonly #client: CosmosClient;
  readonly #container: Container;
  readonly #agent: HttpsAgent | undefined;
  readonly breaker: CircuitBreaker<[Op, AbortSignal | undefined], unknown>;
  #ready: Promise<void> | undefined;

  constructor(opts: CosmosStoreOptions) {
    this.#opts = opts;
    this.#agent = opts.allowSelfSigned ? new HttpsAgent({ rejectUnauthorized: false, keepAlive: true }) : undefined;
    this.#client = new CosmosClient({
      endpoint: opts.endpoint,
      key: opts.key,
      ...(this.#agent ? { agent: this.#agent } : {}),
      connectionPolicy: {
        enableEndpointDiscovery: false,
        requestTimeout: opts.timeoutMs,
        // 429s: the SDK waits x-ms-retry-after-ms and retries, within our operation deadline.
        retryOptions: { maxRetryAttemptCount: 3, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: Math.max(1, Math.ceil(opts.timeoutMs / 1000)) },
      },
    });
    this.#container = this.#client.database(opts.database).container(opts.container);
    this.breaker = createCircuitBreaker((op: Op, _signal: AbortSignal | undefined) => op(), {
      name: 'cosmos',
      failureThreshold: opts.breakerFailures ?? 3,
      resetTimeoutMs: opts.breakerResetMs ?? 5_000,
    });
  }

  /** Creates database and container when configured to (once; retried after a failure). */
  ensureReady(): Promise<void> {
    if (!this.#opts.createIfMissing) return Promise.resolve();
    this.#ready ??= this.#run(async (signal) => {
      const { database } = await this.#client.databases.createIfNotExists({ id: this.#opts.database }, { abortSignal: signal });
      await database.containers.createIfNotExists(
        {
          id: this.#opts.container,
          partitionKey: { paths: ['/conversationId'] },
          ...(this.#opts.ttlSec > 0 ? { defaultTtl: this.#opts.ttlSec } : {}),
        },
        { abortSignal: signal },
      );
    }).catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  /** Upserts a doc; a conversation doc is merged with the stored one (latest update wins), so replay order does not matter. */
  async write(doc: StoreDoc): Promise<void> {
    const item = this.#opts.ttlSec > 0 ? { ...doc, ttl: this.#opts.ttlSec } : doc;
    await this.#withContainer((signal) => this.#upsert(item, signal));
  }

  async #upsert(item: StoreDoc, signal: AbortSignal): Promise<void> {
    if (item.type === 'conversation') {
      const existing = await this.#container.item(item.id, item.conversationId).read<ConversationDoc>({ abortSignal: signal });
      const merged = existing.resource ? mergeConversation(stripSystem(existing.resource), item) : item;
      await this.#container.items.upsert(merged, { abortSignal: signal });
    } else {
      await this.#container.items.upsert(item, { abortSignal: signal });
    }
  }

  /** The conversation doc and its messages (sorted by turn, user before assistant). */
  async read(conversationId: string): Promise<ConversationRead> {
    return this.#withContainer(async (signal) => {
      const { resources } = await this.#container.items
        .query<StoreDoc>(
          { query: 'SELECT * FROM c WHERE c.conversationId = @id', parameters: [{ name: '@id', value: conversationId }] },
          { partitionKey: conversationId, abortSignal: signal },
        )
        .fetchAll();
      let conversation: ConversationDoc | undefined;
      const messages: MessageDoc[] = [];
      for (const r of resources.map(stripSystem)) {
        if (r.type === 'conversation') conversation = r;
        else if (r.type === 'message') messages.push(r);
      }
      messages.sort((a, b) => a.turn - b.turn || (a.role === b.role ? 0 : a.role === 'user' ? -1 : 1));
      return { conversation, messages };
    });
  }

  /** Readiness detail: a cheap read of the database (false while down or the breaker is open). */
  async probe(): Promise<boolean> {
    try {
      await this.ensureReady();
      await this.#run((signal) => this.#client.database(this.#opts.database).read({ abortSignal: signal }));
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.breaker.shutdown();
    this.#client.dispose();
    this.#agent?.destroy();
  }

  /**
   * Runs `fn` once the container exists; when it vanished (404, e.g. the in-memory local server restarted)
   * and this store may create it, creates it again and retries once.
   */
  async #withContainer<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    await this.ensureReady();
    try {
      return await this.#run(fn);
    } catch (err) {
      if (!this.#opts.createIfMissing || (err as { code?: unknown }).code !== 404) throw err;
      this.#ready = undefined;
      await this.ensureReady();
      return this.#run(fn);
    }
  }

  #run<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const op: Op = () => withTimeout(fn, this.#opts.timeoutMs);
    return this.breaker.fire(op, undefined) as Promise<T>;
  }
}

/** Drops Cosmos system properties (`_rid`, `_etag`, `_ts`, …) so docs round-trip cleanly. */
function stripSystem<T extends object>(doc: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_')) out[k] = v;
  return out as T;
}
