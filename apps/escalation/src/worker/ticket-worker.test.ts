import type { EscalateRequest, Ticket, TicketEvent } from '@supportmesh/contracts';
import { IdempotencyStore, StreamProducer, type Redis } from '@supportmesh/state';
import { createTestRedis, deleteByPrefix, uniquePrefix } from '@supportmesh/state/testing';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalServiceDesk } from '../desk/local-service-desk.js';
import type { ServiceDesk } from '../desk/service-desk.js';
import { ZendeskServiceDesk } from '../desk/zendesk-service-desk.js';
import { ServiceDeskError } from '../errors/service-desk-error.js';
import { isTicketInProgressError } from '../errors/ticket-in-progress-error.js';
import { createEscalationMetrics, type EscalationMetrics } from '../metrics.js';
import { decide } from '../rules/decide.js';
import { startZendeskStandIn, type ZendeskStandIn } from '../testing/index.js';
import { buildTicketEvent } from '../tickets/ticket-event.js';
import { TicketStore } from '../tickets/ticket-store.js';
import { TicketWorker, type TicketWorkerOptions } from './ticket-worker.js';

let redis: Redis;
let prefix: string;
let stream: string;
let store: TicketStore;
let desk: LocalServiceDesk;
let registry: Registry;
let metrics: EscalationMetrics;
let workers: TicketWorker[];
let standIns: ZendeskStandIn[];

beforeAll(async () => {
  redis = await createTestRedis();
});
beforeEach(() => {
  prefix = uniquePrefix('escalation-worker');
  stream = `${prefix}tickets`;
  store = new TicketStore({ redis, prefix, stream });
  desk = new LocalServiceDesk({ redis, prefix });
  registry = new Registry();
  metrics = createEscalationMetrics(registry);
  workers = [];
  standIns = [];
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(standIns.map((s) => s.close()));
  await deleteByPrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

function worker(overrides: Partial<TicketWorkerOptions> = {}): TicketWorker {
  const w = new TicketWorker({
    redis,
    store,
    desk,
    metrics,
    stream,
    consumer: `w${workers.length + 1}`,
    prefix,
    deskTimeoutMs: 150,
    maxDeliveries: 3,
    minIdleMs: 250,
    claimIntervalMs: 50,
    blockMs: 50,
    drainTimeoutMs: 2_000,
    ...overrides,
  });
  workers.push(w);
  return w;
}

function ticketEvent(conversationId: string, key = `${prefix}${conversationId}:1`): TicketEvent {
  const req: EscalateRequest = {
    conversationId,
    text: 'human please',
    intent: 'contact_human_agent',
    sentiment: { label: 'neutral', score: 0 },
    confidence: 0.9,
    findings: [],
  };
  return buildTicketEvent(req, decide(req), key, new Date('2025-03-01T10:00:00.000Z'));
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

async function status(ticketId: string): Promise<Ticket['status'] | undefined> {
  return (await store.get(ticketId))?.status;
}

async function deadLetters(): Promise<Record<string, string>[]> {
  const entries = await redis.xrange(`${stream}:dead-letter`, '-', '+');
  return entries.map(([, fields]) => {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i] as string] = fields[i + 1] as string;
    return out;
  });
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  const data = await metric?.get();
  return (
    data?.values.find((v) => Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val))?.value ?? 0
  );
}

/** Counts desk calls while delegating to the real local desk. */
function countingDesk(inner: ServiceDesk): ServiceDesk & { calls: number } {
  const wrapper = {
    name: inner.name,
    calls: 0,
    createTicket: (t: Ticket, o: Parameters<ServiceDesk['createTicket']>[1]) => {
      wrapper.calls++;
      return inner.createTicket(t, o);
    },
  };
  return wrapper;
}

describe('ticket worker', () => {
  it('creates enqueued tickets in the service desk and marks the records open', async () => {
    const events = ['c1', 'c2', 'c3'].map((c) => ticketEvent(c));
    for (const e of events) await store.enqueue(e);
    const w = worker();
    await w.start();

    await until(async () => (await Promise.all(events.map((e) => status(e.ticketId)))).every((s) => s === 'open'));

    expect(await desk.createdCount()).toBe(3);
    const stored = await desk.get(`local-${events[0]?.ticketId}`);
    expect(stored).toMatchObject({ subject: 'Customer asked for a human (contact_human_agent)', priority: 'normal', status: 'open' });
    expect(await metricValue('escalation_tickets_created_total', { desk: 'local' })).toBe(3);
    await until(async () => (await w.consumer.lag()) === 0 && (await w.consumer.pending()) === 0);
  });

  it('turns a retried escalation into one ticket', async () => {
    const event = ticketEvent('c1');
    expect(await store.enqueue(event)).toBe(true);
    expect(await store.enqueue({ ...event, requestedAt: new Date().toISOString() })).toBe(false);
    await worker().start();
    await until(async () => (await status(event.ticketId)) === 'open');
    expect(await desk.createdCount()).toBe(1);
    expect(await redis.xlen(stream)).toBe(1);
  });

  it('does not call the desk again for a ticket already created (redelivered after a crash before XACK)', async () => {
    const counting = countingDesk(desk);
    const event = ticketEvent('c1');
    const producer = new StreamProducer({ redis, stream });
    await producer.publish(event);
    await producer.publish(event);
    const w = worker({ desk: counting });
    await w.start();
    // Lag first: once nothing is left to deliver, no pending entry means everything was handled.
    await until(async () => (await w.consumer.lag()) === 0 && (await w.consumer.pending()) === 0);
    expect(counting.calls).toBe(1);
    expect(await desk.createdCount()).toBe(1);
  });

  it('does not create a second ticket when the worker died after the desk created it but before recording it', async () => {
    const event = ticketEvent('c1');
    await store.enqueue(event);
    // The previous attempt reached the desk, then the process died: no completed record, entry still pending.
    const first = await desk.createTicket(
      { id: event.ticketId, conversationId: event.conversationId, subject: event.subject, priority: event.priority, reason: event.reason, status: 'open', createdAt: event.requestedAt, idempotencyKey: event.idempotencyKey },
      { idempotencyKey: event.idempotencyKey, signal: new AbortController().signal },
    );
    await worker().start();
    await until(async () => (await status(event.ticketId)) === 'open');
    expect(await desk.createdCount()).toBe(1);
    expect(await redis.hget(`${prefix}ticket:${event.ticketId}`, 'externalId')).toBe(first.externalId);
  });

  it('claims the tickets of a worker that died mid-batch and creates each once', async () => {
    const events = ['c1', 'c2', 'c3', 'c4'].map((c) => ticketEvent(c));
    for (const e of events) await store.enqueue(e);
    await redis.call('XGROUP', 'CREATE', stream, 'ticket-worker', '0', 'MKSTREAM');
    await redis.xreadgroup('GROUP', 'ticket-worker', 'dead', 'COUNT', 4, 'STREAMS', stream, '>');
    const w = worker();
    await w.start();
    await until(async () => (await w.consumer.pending()) === 0);
    expect(await Promise.all(events.map((e) => status(e.ticketId)))).toEqual(['open', 'open', 'open', 'open']);
    expect(await desk.createdCount()).toBe(4);
    expect(w.consumer.stats().claimed).toBeGreaterThanOrEqual(4);
  });

  it('dead-letters a ticket the desk keeps failing after maxDeliveries; the others are created (failing desk stand-in)', async () => {
    const poison = ticketEvent('poison');
    const good = ['c1', 'c2'].map((c) => ticketEvent(c));
    const failing: ServiceDesk = {
      name: 'local',
      createTicket: (t, o) => (t.id === poison.ticketId ? Promise.reject(new ServiceDeskError('desk down', { status: 503 })) : desk.createTicket(t, o)),
    };
    for (const e of [good[0], poison, good[1]] as TicketEvent[]) await store.enqueue(e);
    const w = worker({ desk: failing, maxDeliveries: 3 });
    await w.start();

    await until(async () => (await deadLetters()).length === 1 && (await w.consumer.pending()) === 0);
    await w.stop();

    const [dead] = await deadLetters();
    expect(dead).toMatchObject({ errorCode: 'SERVICE_DESK_ERROR', deliveries: '3', group: 'ticket-worker' });
    expect(JSON.parse(dead?.['data'] ?? '')).toMatchObject({ ticketId: poison.ticketId });
    expect(await status(poison.ticketId)).toBe('pending');
    expect(await Promise.all(good.map((e) => status(e.ticketId)))).toEqual(['open', 'open']);
    expect(await metricValue('escalation_tickets_failed_total', { code: 'SERVICE_DESK_ERROR' })).toBe(3);
    expect(await metricValue('escalation_tickets_dead_lettered_total', { reason: 'consumer' })).toBe(1);
  });

  it('dead-letters at once a ticket the desk rejects as invalid (422)', async () => {
    const event = ticketEvent('c1');
    await store.enqueue(event);
    const rejecting: ServiceDesk = { name: 'zendesk', createTicket: () => Promise.reject(new ServiceDeskError('invalid', { status: 422, retryable: false })) };
    const w = worker({ desk: rejecting });
    await w.start();
    await until(async () => (await deadLetters()).length === 1 && (await w.consumer.pending()) === 0);
    expect((await deadLetters())[0]).toMatchObject({ errorCode: 'SERVICE_DESK_ERROR', status: '422', deliveries: '1' });
    expect(await metricValue('escalation_tickets_dead_lettered_total', { reason: 'rejected' })).toBe(1);
  });

  it('dead-letters at once an event that is not a TicketEvent', async () => {
    await new StreamProducer({ redis, stream }).publish({ ticketId: 'x', nope: true });
    const w = worker();
    await w.start();
    await until(async () => (await deadLetters()).length === 1 && (await w.consumer.pending()) === 0);
    expect((await deadLetters())[0]).toMatchObject({ errorCode: 'VALIDATION_FAILED', deliveries: '1' });
    expect(await desk.createdCount()).toBe(0);
  });

  it('leaves a ticket another worker is creating for later instead of creating it twice', async () => {
    const counting = countingDesk(desk);
    const event = ticketEvent('c1');
    const w = worker({ desk: counting });
    const other = new IdempotencyStore({ redis, prefix: `${prefix}idem:`, ttlSec: 60 });
    expect(await other.claim(event.idempotencyKey)).toBe(true);

    const err = await w.handle({ id: '1-0', data: event, deliveries: 1 }).catch((e: unknown) => e);
    expect(isTicketInProgressError(err)).toBe(true);
    expect(counting.calls).toBe(0);

    await other.complete(event.idempotencyKey, { externalId: 'ZD-9' });
    await w.handle({ id: '1-0', data: event, deliveries: 2 });
    expect(counting.calls).toBe(0);
    expect(await redis.hget(`${prefix}ticket:${event.ticketId}`, 'externalId')).toBe('ZD-9');
  });

  it('creates exactly one ticket when the service desk times out after creating it (local HTTP stand-in for Zendesk)', async () => {
    const zendesk = await startZendeskStandIn({ stallAfterCreate: 1 });
    standIns.push(zendesk);
    const event = ticketEvent('c1');
    await store.enqueue(event);
    const w = worker({
      desk: new ZendeskServiceDesk({ baseUrl: zendesk.url, email: 'agent@example.com', apiToken: 'test-token' }),
      deskTimeoutMs: 200,
      minIdleMs: 300,
    });
    await w.start();

    await until(async () => (await status(event.ticketId)) === 'open');

    expect(zendesk.tickets()).toHaveLength(1);
    expect(zendesk.requests().map((r) => r.idempotencyKey)).toEqual([event.idempotencyKey, event.idempotencyKey]);
    expect(await redis.hget(`${prefix}ticket:${event.ticketId}`, 'externalId')).toBe(String(zendesk.tickets()[0]?.id));
    expect(await metricValue('escalation_tickets_failed_total', { code: 'TIMEOUT' })).toBe(1);
    expect(await metricValue('escalation_tickets_created_total', { desk: 'zendesk' })).toBe(1);
  });

  it('exports stream lag and pending for the worker group', async () => {
    for (const c of ['c1', 'c2']) await store.enqueue(ticketEvent(c));
    const w = worker();
    await w.monitor.refresh();
    const text = await registry.metrics();
    expect(text).toContain(`redis_stream_lag{stream="${stream}",group="ticket-worker"} 2`);
    expect(text).toContain(`redis_stream_pending{stream="${stream}",group="ticket-worker"} 0`);
  });
});
