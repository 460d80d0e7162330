import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationRecord, ErrorEnvelope } from '@supportmesh/contracts';
import { startLocalCosmos, type LocalCosmos } from '@supportmesh/dev';
import type { Redis } from '@supportmesh/state';
import { deleteByPrefix } from '@supportmesh/state/testing';
import { ADMIN_KEY, call, startGateway, startStandIns, testRedis, USER_KEY, type RunningGateway, type StandIns } from '../testing/harness.js';
import { messageId, type MessageDoc } from './documents.js';

let standIns: StandIns;
let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;
let instances = 0;

beforeAll(async () => {
  standIns = await startStandIns();
  ({ redis, prefix, cleanup } = await testRedis('store'));
});

afterAll(async () => {
  await standIns.close();
  await cleanup();
});

async function withGateway(fn: (g: RunningGateway, cosmos: { current: LocalCosmos }, gwPrefix: string) => Promise<void>): Promise<void> {
  const cosmos = { current: await startLocalCosmos(0) };
  const gwPrefix = `${prefix}${instances++}:`;
  const g = await startGateway({ urls: standIns.urls, cosmosEndpoint: cosmos.current.endpoint, prefix: gwPrefix, redis });
  try {
    await fn(g, cosmos, gwPrefix);
  } finally {
    await g.close();
    await cosmos.current.close();
  }
}

/** Flushes the queue until it is empty (the Cosmos breaker needs its short reset time first); bounded. */
async function drain(g: RunningGateway): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await g.gateway.pending.flush();
    if ((await g.gateway.pending.length()) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('pending writes did not drain');
}

describe('conversation persistence (Redis hot session + Cosmos)', () => {
  it('writes one conversation doc and one doc per message with deterministic ids', async () => {
    await withGateway(async (g) => {
      const created = await call(g.url, 'POST', '/v1/conversations', { key: USER_KEY });
      const id = created.body.conversationId as string;
      expect((await call(g.url, 'POST', `/v1/conversations/${id}/messages`, { key: USER_KEY, body: { text: 'where is my order?' } })).status).toBe(200);
      const stored = await g.durable.read(id);
      expect(stored.conversation).toMatchObject({ id, status: 'open', owner: 'test-user' });
      expect(stored.messages.map((m) => m.id)).toEqual([messageId(id, 0, 'user'), messageId(id, 0, 'assistant')]);
    });
  });

  it('creates no duplicates when a turn write is retried (idempotent upserts, replayed through the queue too)', async () => {
    await withGateway(async (g) => {
      const created = await call(g.url, 'POST', '/v1/conversations', { key: USER_KEY });
      const id = created.body.conversationId as string;
      await call(g.url, 'POST', `/v1/conversations/${id}/messages`, { key: USER_KEY, body: { text: 'where is my order?' } });
      const { messages } = await g.durable.read(id);
      for (const doc of messages) await g.durable.write(doc);
      await g.gateway.pending.enqueue(messages as MessageDoc[]);
      await drain(g);
      const again = await g.durable.read(id);
      expect(again.messages).toHaveLength(2);
      expect(again.messages).toEqual(messages);
    });
  });

  it('keeps answering while Cosmos is down, queues the writes in Redis, and persists them once Cosmos is back', async () => {
    await withGateway(async (g, cosmos) => {
      const port = cosmos.current.port;
      await cosmos.current.close();

      const created = await call(g.url, 'POST', '/v1/conversations', { key: USER_KEY });
      expect(created.status).toBe(201);
      const id = created.body.conversationId as string;
      const turn = await call(g.url, 'POST', `/v1/conversations/${id}/messages`, { key: USER_KEY, body: { text: 'where is my order?' } });
      expect(turn.status).toBe(200);
      expect(turn.body.degraded).toEqual([]);
      expect(await g.gateway.pending.length()).toBe(3);

      // Readable from the hot session meanwhile; readiness stays 200 with Cosmos degraded.
      const record = await call(g.url, 'GET', `/v1/conversations/${id}`, { key: USER_KEY });
      expect(record.status).toBe(200);
      expect(ConversationRecord.parse(record.body).turns).toHaveLength(2);
      const ready = await call(g.url, 'GET', '/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'degraded', probes: { cosmos: 'degraded', redis: 'up' }, pendingWrites: 3 });

      cosmos.current = await startLocalCosmos(port);
      await drain(g);
      const stored = await g.durable.read(id);
      expect(stored.conversation?.id).toBe(id);
      expect(stored.messages.map((m) => `${m.turn}:${m.role}`)).toEqual(['0:user', '0:assistant']);
    });
  });

  it('reads a conversation back from Cosmos after its hot session expired, and continues it', async () => {
    await withGateway(async (g, _cosmos, gwPrefix) => {
      const created = await call(g.url, 'POST', '/v1/conversations', { key: USER_KEY });
      const id = created.body.conversationId as string;
      await call(g.url, 'POST', `/v1/conversations/${id}/messages`, { key: USER_KEY, body: { text: 'where is my order?' } });
      await deleteByPrefix(redis, `${gwPrefix}session:`);

      const record = await call(g.url, 'GET', `/v1/conversations/${id}`, { key: USER_KEY });
      expect(record.status).toBe(200);
      expect(record.body.turns).toHaveLength(2);
      expect((await call(g.url, 'GET', `/v1/conversations/${id}`, { key: 'sm_test_delegate_key_00112233445566' })).status).toBe(404);

      const next = await call(g.url, 'POST', `/v1/conversations/${id}/messages`, { key: USER_KEY, body: { text: 'thanks' } });
      expect(next.status).toBe(200);
      const stored = await g.durable.read(id);
      expect(stored.messages.map((m) => `${m.turn}:${m.role}`)).toEqual(['0:user', '0:assistant', '1:user', '1:assistant']);
    });
  });

  it('answers 404 for an unknown conversation and 503 STORE_UNAVAILABLE when Cosmos is down and Redis does not have it', async () => {
    await withGateway(async (g, cosmos) => {
      const unknown = await call(g.url, 'GET', '/v1/conversations/no-such-conversation', { key: USER_KEY });
      expect(unknown.status).toBe(404);
      expect(ErrorEnvelope.parse(unknown.body).error.code).toBe('NOT_FOUND');

      await cosmos.current.close();
      for (const [method, path, body] of [
        ['GET', '/v1/conversations/no-such-conversation', undefined],
        ['POST', '/v1/conversations/no-such-conversation/messages', { text: 'hi' }],
      ] as const) {
        const res = await call(g.url, method, path, { key: USER_KEY, body });
        expect(res.status).toBe(503);
        expect(ErrorEnvelope.parse(res.body).error.code).toBe('STORE_UNAVAILABLE');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
    });
  });

  it('ends a conversation: later messages get 409, the record says ended, an admin can end anyone’s', async () => {
    await withGateway(async (g) => {
      const created = await call(g.url, 'POST', '/v1/conversations', { key: USER_KEY });
      const id = created.body.conversationId as string;
      const ended = await call(g.url, 'POST', `/v1/conversations/${id}/end`, { key: USER_KEY });
      expect(ended.body).toEqual({ conversationId: id, status: 'ended' });
      const late = await call(g.url, 'POST', `/v1/conversations/${id}/messages`, { key: USER_KEY, body: { text: 'hello?' } });
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('CONVERSATION_ENDED');
      expect((await call(g.url, 'GET', `/v1/conversations/${id}`, { key: USER_KEY })).body.status).toBe('ended');
      expect((await g.durable.read(id)).conversation?.status).toBe('ended');

      const other = await call(g.url, 'POST', '/v1/conversations', { key: USER_KEY });
      expect((await call(g.url, 'POST', `/v1/conversations/${other.body.conversationId}/end`, { key: ADMIN_KEY })).status).toBe(200);
    });
  });
});
