import { Agent as HttpsAgent } from 'node:https';
import { CosmosClient } from '@azure/cosmos';
import { ErrorEnvelope } from '@supportmesh/contracts';
import { send, type LoadSample } from '../lib/load.js';
import { LOCAL_COSMOS_KEY } from '../lib/stack.js';
import { sleep, until } from '../lib/stats.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import type { World } from '../lib/world.js';
import type { RunOptions } from './options.js';

interface MessageDoc {
  id: string;
  conversationId: string;
  type: string;
  turn: number;
  role: string;
}

/**
 * 8. Cosmos throttling and outage through a fault proxy in front of the Cosmos-compatible server: 429s with
 * `x-ms-retry-after-ms` are retried by the SDK; past its retries, and while connections are refused, turns keep
 * working from Redis with their writes queued, and reads that need Cosmos answer 503 + Retry-After; writes whose
 * answer was lost are replayed as upserts; once Cosmos is back the queue drains and every message is stored
 * exactly once.
 */
export async function cosmosThrottlingAndOutage(w: World, _o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const px = w.cosmos;
  const queueKey = `${w.names.gwPrefix}persist:pending`;
  const user = `cz-${w.runId}`;
  const h = w.userHeaders(user);
  const phases: Record<string, unknown> = {};
  const post = (path: string, body?: unknown): Promise<LoadSample> =>
    send(w.agent, w.gatewayUrl, { method: 'POST', path, headers: h, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }, 0, 30_000);
  const get = (path: string) => send(w.agent, w.gatewayUrl, { method: 'GET', path, headers: h }, 0, 30_000);
  const turn = (id: string, text: string) => post(`/v1/conversations/${id}/messages`, { text });
  const queued = async () => Number(await w.redis.llen(queueKey));
  const turnsSent = new Map<string, number>();
  const ok = (id: string, s: LoadSample) => {
    if (s.status === 200) turnsSent.set(id, (turnsSent.get(id) ?? 0) + 1);
    return s.status;
  };

  // 0: baseline
  px.pass();
  const a = (await post('/v1/conversations')).json as { conversationId: string };
  const A = a.conversationId;
  const sb = await turn(A, 'Where is my order?');
  // Steady state first: anything queued while the stack was starting (slow first writes) must drain.
  const settledIn = Date.now();
  const settled = await until(async () => ((await queued()) === 0 ? true : undefined), 30_000, 250);
  phases['baseline'] = { turn: ok(A, sb), drained: settled === true, waitedMs: Date.now() - settledIn, proxyEvents: px.events.length };
  checks.add('baseline: writes reach Cosmos (queue empty)', settled === true, phases['baseline']);

  // 1: a short 429 burst → the SDK waits x-ms-retry-after-ms and retries; nothing is queued.
  let since = Date.now();
  px.throttle(2, 150);
  const s1 = await turn(A, 'How do I return an item?');
  phases['throttled'] = { turn: ok(A, s1), throttled: px.count('throttled', since), forwardedAfter: px.count('forwarded', since), queued: await queued() };
  checks.add('429 burst: SDK retried (throttled, then forwarded), turn answered, nothing queued', s1.status === 200 && px.count('throttled', since) === 2 && px.count('forwarded', since) > 0 && (await queued()) === 0, phases['throttled']);

  // 2: a write whose answer is lost after Cosmos stored it → replayed later as an upsert.
  since = Date.now();
  px.dropAfterForward(1);
  const s2 = await turn(A, 'Can I change my delivery address?');
  phases['lostAnswer'] = { turn: ok(A, s2), dropped: px.count('dropped', since), queued: await queued() };

  // 3: throttled past the SDK's retries → writes queue, turns still answered; Cosmos-only reads → 503.
  since = Date.now();
  px.throttleAll(100);
  const s3 = await turn(A, 'When will my refund arrive?');
  const unknownRead = await get('/v1/conversations/ffffffff-ffff-4fff-8fff-ffffffffffff');
  phases['throttledPastRetries'] = { turn: ok(A, s3), throttled: px.count('throttled', since), queued: await queued(), unknownRead: describe(unknownRead) };
  checks.add('429 past the SDK retries: turn answered, write queued', s3.status === 200 && (await queued()) > 0, phases['throttledPastRetries']);
  checks.add('Cosmos-only read while throttled → 503 + Retry-After', is503(unknownRead), describe(unknownRead));

  // 4: connections refused → turns keep working from Redis, new conversations too; the session survives.
  px.pass();
  await px.refuse();
  const s4 = await turn(A, 'Do you ship to Canada?');
  const b = await post('/v1/conversations');
  const B = (b.json as { conversationId?: string } | undefined)?.conversationId ?? '';
  const s5 = B ? await turn(B, 'How do I cancel my subscription?') : b;
  const readA = await get(`/v1/conversations/${A}`);
  const unknownRead2 = await get('/v1/conversations/eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee');
  const turnsInRedis = ((readA.json as { turns?: unknown[] } | undefined)?.turns ?? []).length;
  phases['refused'] = { turnA: ok(A, s4), createB: b.status, turnB: B ? ok(B, s5) : undefined, readA: readA.status, turnsInRedis, queued: await queued(), unknownRead: describe(unknownRead2) };
  checks.add('outage: turns and new conversations answered', s4.status === 200 && b.status === 201 && s5.status === 200, phases['refused']);
  checks.add('outage: the conversation survives in Redis (all turns readable)', readA.status === 200 && turnsInRedis === 2 * (turnsSent.get(A) ?? 0), { turnsInRedis, sent: turnsSent.get(A) });
  checks.add('outage: Cosmos-only read → 503 + Retry-After', is503(unknownRead2), describe(unknownRead2));
  await sleep(1500);

  // 5: Cosmos back → the queue drains and everything is persisted exactly once.
  const back = Date.now();
  await px.resume();
  const drained = await until(async () => ((await queued()) === 0 ? true : undefined), 45_000, 250);
  const drainMs = Date.now() - back;
  const client = new CosmosClient({ endpoint: w.url('cosmos'), key: LOCAL_COSMOS_KEY, agent: new HttpsAgent({ rejectUnauthorized: false }), connectionPolicy: { enableEndpointDiscovery: false } });
  const container = client.database('supportmesh').container('conversations');
  const stored: Record<string, { messages: number; distinct: number; conversationDoc: boolean; expected: number }> = {};
  for (const id of [A, B].filter(Boolean)) {
    const { resources } = await container.items
      .query<MessageDoc>({ query: 'SELECT * FROM c WHERE c.conversationId = @id', parameters: [{ name: '@id', value: id }] }, { partitionKey: id })
      .fetchAll();
    const messages = resources.filter((r) => r.type === 'message');
    stored[id] = {
      messages: messages.length,
      distinct: new Set(messages.map((m) => `${m.turn}:${m.role}`)).size,
      conversationDoc: resources.some((r) => r.type === 'conversation'),
      expected: 2 * (turnsSent.get(id) ?? 0),
    };
  }
  client.dispose();
  phases['recovered'] = { drained: drained === true, drainMs, stored };
  checks.add('Cosmos back: queued writes drained', drained === true, { drainMs, queued: await queued() });
  checks.add('every message persisted exactly once (no duplicates after replays)', Object.values(stored).every((s) => s.messages === s.expected && s.distinct === s.messages && s.conversationDoc), stored);

  return {
    scenario: '8 Cosmos throttling and outage',
    figure: `SDK retried ${px.count('throttled', t0)} × 429; outage reads 503 + Retry-After ${retryAfter(unknownRead2) ?? '—'} s; queue drained in ${drainMs} ms; ${Object.values(stored).reduce((s, x) => s + x.messages, 0)} messages stored, ${Object.values(stored).reduce((s, x) => s + x.messages - x.distinct, 0)} duplicates`,
    pass: checks.pass,
    details: { phases, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}

function retryAfter(s: LoadSample): string | undefined {
  const v = s.headers?.['retry-after'];
  return Array.isArray(v) ? v[0] : v;
}

function is503(s: LoadSample): boolean {
  return s.status === 503 && ErrorEnvelope.safeParse(s.json).success && Number(retryAfter(s)) > 0;
}

function describe(s: LoadSample): unknown {
  const env = ErrorEnvelope.safeParse(s.json);
  return { status: s.status ?? s.error, retryAfter: retryAfter(s), code: env.success ? env.data.error.code : undefined };
}
