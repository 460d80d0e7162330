import { ConversationTurnEvent, type EscalateRequest } from '@supportmesh/contracts';
import { entries, getFresh, pending, publish, totals, turnEvents } from '../lib/analytics.js';
import { keepAliveAgent, send } from '../lib/load.js';
import { sleep, until } from '../lib/stats.js';
import { Checks, type ScenarioResult } from '../lib/types.js';
import type { World } from '../lib/world.js';
import type { RunOptions } from './options.js';

const MAX_DELIVERIES = 3; // ANALYTICS_MAX_DELIVERIES / ESCALATION_MAX_DELIVERIES of the suite's stack

/**
 * 2. Poison events. Analytics: an event whose numbers the aggregation cannot add exactly (a cost that overflows the
 * integer counters — once contract-valid and half-counted, now refused by the contract's bounds) must land in the
 * dead-letter stream, be acked and leave no partial aggregate; a malformed event is dead-lettered at once too;
 * other events are unaffected. (Redelivery up to N for events that fail in the handler is what the ticket worker
 * part below exercises, with the same stream consumer.) Ticket worker:
 * a ticket the service desk always refuses (503) is dead-lettered after N deliveries; a ticket the desk created
 * but never confirmed (timeout after create) is created exactly once (Idempotency-Key).
 */
export async function poisonEvents(w: World, _o: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const checks = new Checks();
  const details: Record<string, unknown> = {};

  // ---- analytics ----
  const stream = w.names.analyticsStream;
  const dlStream = `${stream}:dead-letter`;
  const tag = `f2-${w.runId}`;
  const normal = turnEvents(tag, 50);
  const poison: ConversationTurnEvent = { ...(turnEvents(`${tag}-poison`, 1)[0] as ConversationTurnEvent), costUsd: 1e13 };
  const invalid = { eventId: `${tag}-invalid`, conversationId: 'not a valid id!', turn: -1 };
  const before = await totals(w.redis, w.names.analyticsPrefix);
  const dlBefore = new Set((await entries(w.redis, dlStream)).map((e) => e.id));
  const [poisonId] = await publish(w.redis, stream, [poison]);
  const [invalidId] = await publish(w.redis, stream, [invalid]);
  await publish(w.redis, stream, normal);

  const settled = await until(
    async () => {
      const dl = (await entries(w.redis, dlStream)).filter((e) => !dlBefore.has(e.id));
      const p = await pending(w.redis, stream, 'analytics');
      return p.total === 0 && dl.some((e) => e.fields['originalId'] === poisonId) ? dl : undefined;
    },
    20_000,
    200,
  );
  const dl = settled ?? (await entries(w.redis, dlStream)).filter((e) => !dlBefore.has(e.id));
  const after = await totals(w.redis, w.names.analyticsPrefix);
  const p = await pending(w.redis, stream, 'analytics');
  const poisonDl = dl.find((e) => e.fields['originalId'] === poisonId);
  const invalidDl = dl.find((e) => e.fields['originalId'] === invalidId);
  const normalCost = normal.reduce((s, e) => s + Math.round(e.costUsd * 1e9), 0);
  details['analytics'] = {
    poisonDeadLettered: poisonDl?.fields ?? null,
    invalidDeadLettered: invalidDl?.fields ? { errorCode: invalidDl.fields['errorCode'], deliveries: invalidDl.fields['deliveries'] } : null,
    turnsDelta: after.turns - before.turns,
    costNanoDelta: after.costNano - before.costNano,
    expectedCostNano: normalCost,
    pending: p.total,
  };
  checks.add('analytics: poison event dead-lettered within N deliveries', poisonDl !== undefined && Number(poisonDl.fields['deliveries']) <= MAX_DELIVERIES, {
    deliveries: poisonDl?.fields['deliveries'] ?? 'not dead-lettered',
  });
  checks.add('analytics: contract-invalid event dead-lettered at once', invalidDl !== undefined && invalidDl.fields['errorCode'] === 'VALIDATION_FAILED');
  checks.add('analytics: main stream pending 0 (poison acked)', p.total === 0, { pending: p.total });
  checks.add('analytics: other events counted exactly, poison not counted', after.turns - before.turns === normal.length, {
    turnsDelta: after.turns - before.turns,
    expected: normal.length,
  });
  checks.add('analytics: poison left no partial aggregate (cost)', after.costNano - before.costNano === normalCost, {
    costNanoDelta: after.costNano - before.costNano,
    expected: normalCost,
  });

  // ---- escalation ticket worker ----
  const agent = keepAliveAgent(4);
  const escUrl = w.url('escalation');
  const ticketDl = `${w.names.ticketStream}:dead-letter`;
  const tdlBefore = new Set((await entries(w.redis, ticketDl)).map((e) => e.id));
  const escalate = async (conversationId: string, key: string) => {
    const body: EscalateRequest = {
      conversationId,
      text: 'I want to talk to a person please',
      intent: 'contact_human_agent',
      sentiment: { label: 'neutral', score: 0 },
      confidence: 0.9,
      findings: [],
    };
    const s = await send(agent, escUrl, { method: 'POST', path: '/v1/escalate', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
    return s.json as { escalate?: boolean; ticketId?: string } | undefined;
  };
  const convPoison = `f2${w.runId}poison`;
  const convStall = `f2${w.runId}stall`;
  const convOk = `f2${w.runId}ok`;
  w.desk.failFor(convPoison, 503);
  w.desk.stallAfterCreate(convStall, 1);
  const rPoison = await escalate(convPoison, `${convPoison}:1`);
  const rStall = await escalate(convStall, `${convStall}:1`);
  const rOk = await escalate(convOk, `${convOk}:1`);
  await w.redis.xadd(w.names.ticketStream, '*', 'data', JSON.stringify({ ticketId: 'bad id!', subject: 5 }));
  checks.add('escalation: tickets accepted', Boolean(rPoison?.ticketId && rStall?.ticketId && rOk?.ticketId), { rPoison, rStall, rOk });

  const ticketStatus = async (id: string | undefined) => {
    if (!id) return undefined;
    const r = await getFresh(`${escUrl}/v1/tickets/${id}`);
    return r.status === 200 ? (JSON.parse(r.body) as { status?: string }).status : `http ${r.status}`;
  };
  const ok = await until(
    async () => {
      const dlNow = (await entries(w.redis, ticketDl)).filter((e) => !tdlBefore.has(e.id));
      const poisoned = dlNow.find((e) => (e.fields['data'] ?? '').includes(rPoison?.ticketId ?? '\u0000'));
      const stallOpen = (await ticketStatus(rStall?.ticketId)) === 'open';
      return poisoned && stallOpen ? { dlNow, poisoned } : undefined;
    },
    25_000,
    250,
  );
  // A retried escalate call (same key) must answer the same ticket and enqueue nothing new.
  const rStallAgain = await escalate(convStall, `${convStall}:1`);
  await sleep(2_000);
  const dlNow = (await entries(w.redis, ticketDl)).filter((e) => !tdlBefore.has(e.id));
  const poisoned = dlNow.find((e) => (e.fields['data'] ?? '').includes(rPoison?.ticketId ?? '\u0000'));
  const invalidTicket = dlNow.find((e) => (e.fields['data'] ?? '').includes('bad id!'));
  const tp = await pending(w.redis, w.names.ticketStream, 'ticket-worker');
  const stallRequests = w.desk.requests.filter((r) => r.idempotencyKey === `${convStall}:1`);
  const poisonRequests = w.desk.requests.filter((r) => r.idempotencyKey === `${convPoison}:1`);
  const stallTickets = w.desk.ticketsMatching(convStall);
  const okTickets = w.desk.ticketsMatching(convOk);
  details['escalation'] = {
    settled: ok !== undefined,
    poisonDeadLettered: poisoned ? { deliveries: poisoned.fields['deliveries'], errorCode: poisoned.fields['errorCode'] } : null,
    invalidDeadLettered: invalidTicket ? { errorCode: invalidTicket.fields['errorCode'] } : null,
    poisonDeskCalls: poisonRequests.length,
    stallDeskCalls: stallRequests.map((r) => r.outcome),
    stallTickets: stallTickets.length,
    stallStatus: await ticketStatus(rStall?.ticketId),
    retriedSameTicket: rStallAgain?.ticketId === rStall?.ticketId,
    okTickets: okTickets.length,
    pending: tp.total,
  };
  checks.add('escalation: refused ticket dead-lettered after N deliveries', poisoned !== undefined && Number(poisoned.fields['deliveries']) === MAX_DELIVERIES, {
    deliveries: poisoned?.fields['deliveries'] ?? 'not dead-lettered',
  });
  checks.add('escalation: desk attempts bounded by N', poisonRequests.length === MAX_DELIVERIES, { attempts: poisonRequests.length });
  checks.add('escalation: invalid ticket event dead-lettered at once', invalidTicket?.fields['errorCode'] === 'VALIDATION_FAILED');
  checks.add('escalation: desk timed out after creating, ticket exists exactly once', stallTickets.length === 1 && stallRequests.length >= 2, {
    tickets: stallTickets.length,
    calls: stallRequests.map((r) => r.outcome),
  });
  checks.add('escalation: stalled ticket ends open', details['escalation'] !== undefined && (await ticketStatus(rStall?.ticketId)) === 'open');
  checks.add('escalation: retried escalate answers the same ticket', rStallAgain?.ticketId === rStall?.ticketId);
  checks.add('escalation: other tickets unaffected (created once)', okTickets.length === 1, { okTickets: okTickets.length });
  checks.add('escalation: ticket stream pending 0', tp.total === 0, { pending: tp.total });
  await agent.close();

  const a = details['analytics'] as { turnsDelta: number };
  return {
    scenario: '2 poison event',
    figure: `analytics poison: ${poisonDl ? `DLQ after ${poisonDl.fields['deliveries']} deliveries` : 'NOT dead-lettered'} (+${a.turnsDelta}/${normal.length} counted); tickets: poison DLQ after ${poisoned?.fields['deliveries'] ?? '∞'}, stalled-create tickets ${stallTickets.length}`,
    pass: checks.pass,
    details: { ...details, failed: checks.failed },
    durationMs: Date.now() - t0,
  };
}
