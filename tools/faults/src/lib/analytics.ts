import { AnalyticsSummary, INTENTS, type ConversationTurnEvent } from '@supportmesh/contracts';
import { get as httpGet } from 'node:http';
import type { Redis } from 'ioredis';

/** `count` valid `conversation.turn` events (5 turns per conversation), ids unique to `tag`. */
export function turnEvents(tag: string, count: number, start = new Date()): ConversationTurnEvent[] {
  const out: ConversationTurnEvent[] = [];
  for (let i = 0; i < count; i++) {
    const conversationId = `${tag}-c${Math.floor(i / 5)}`;
    const turn = i % 5;
    const escalated = i % 7 === 0;
    const total = 200 + ((i * 37) % 1800);
    out.push({
      eventId: `${conversationId}:${turn}`,
      conversationId,
      turn,
      at: new Date(start.getTime() + i * 10).toISOString(),
      intent: INTENTS[i % INTENTS.length] as ConversationTurnEvent['intent'],
      confidence: ((i * 13) % 100) / 100,
      escalated,
      latencyMs: { total, perHop: { classify: 20, retrieve: 30, respond: total - 50 } },
      usage: { promptTokens: 300 + (i % 50), completionTokens: 40 + (i % 20) },
      costUsd: (1 + (i % 9)) / 10_000,
      model: i % 3 === 0 ? 'gpt-4o-mini' : 'gpt-4o',
      cached: i % 4 === 0,
      containment: !escalated,
    });
  }
  return out;
}

/** Publishes events like the gateway's StreamProducer (one JSON `data` field), pipelined. */
export async function publish(redis: Redis, stream: string, events: readonly unknown[]): Promise<string[]> {
  const p = redis.pipeline();
  for (const e of events) p.xadd(stream, '*', 'data', JSON.stringify(e));
  const res = (await p.exec()) ?? [];
  return res.map(([err, id]) => {
    if (err) throw err;
    return String(id);
  });
}

/** XPENDING summary: total and per consumer. */
export async function pending(redis: Redis, stream: string, group: string): Promise<{ total: number; byConsumer: Map<string, number> }> {
  const reply = (await redis.call('XPENDING', stream, group)) as [number, unknown, unknown, [string, string][] | null];
  const byConsumer = new Map<string, number>();
  for (const [c, n] of reply[3] ?? []) byConsumer.set(c, Number(n));
  return { total: Number(reply[0]), byConsumer };
}

/** XINFO GROUPS `lag` of a group (entries not yet delivered). */
export async function lag(redis: Redis, stream: string, group: string): Promise<number | undefined> {
  const groups = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[][];
  for (const g of groups) {
    const o: Record<string, unknown> = {};
    for (let i = 0; i + 1 < g.length; i += 2) o[String(g[i])] = g[i + 1];
    if (o['name'] === group) return o['lag'] === null || o['lag'] === undefined ? undefined : Number(o['lag']);
  }
  return undefined;
}

/** Entries of a (dead-letter) stream as field maps. */
export async function entries(redis: Redis, stream: string): Promise<{ id: string; fields: Record<string, string> }[]> {
  const rows = await redis.xrange(stream, '-', '+');
  return rows.map(([id, flat]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
    return { id, fields };
  });
}

/** `GET /v1/analytics/summary` of the analytics service (a fresh connection each time: replicas come and go). */
export async function summary(baseUrl: string): Promise<AnalyticsSummary> {
  const { status, body } = await getFresh(`${baseUrl}/v1/analytics/summary`);
  if (status !== 200) throw new Error(`analytics summary answered ${status}`);
  return AnalyticsSummary.parse(JSON.parse(body));
}

/** GET without keep-alive. */
export function getFresh(url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, headers, timeout: timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** The analytics aggregates straight from Redis (turns, conversations, cost in nano-USD). */
export async function totals(redis: Redis, prefix: string): Promise<{ turns: number; conversations: number; costNano: number }> {
  const h = await redis.hgetall(`${prefix}totals`);
  return { turns: Number(h['turns'] ?? 0), conversations: Number(h['conversations'] ?? 0), costNano: Number(h['costNano'] ?? 0) };
}
