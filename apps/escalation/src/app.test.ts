import { EscalateResponse, Ticket, TicketEvent, type EscalateRequest } from '@supportmesh/contracts';
import { listen, type Listening } from '@supportmesh/service-kit/testing';
import type { Redis } from '@supportmesh/state';
import { createDownRedis, createTestRedis, deleteByPrefix, uniquePrefix } from '@supportmesh/state/testing';
import { createMetrics } from '@supportmesh/telemetry';
import { createCapturingLogger } from '@supportmesh/telemetry/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { TicketStore } from './tickets/ticket-store.js';

let redis: Redis;
let prefix: string;
let stream: string;
let server: Listening;
let registry: Registry;
const captured = createCapturingLogger('escalation');

const human: EscalateRequest = {
  conversationId: 'conv-42',
  text: 'I want to talk to a person, my email is jane@example.com',
  intent: 'contact_human_agent',
  sentiment: { label: 'neutral', score: 0 },
  confidence: 0.97,
  findings: [{ type: 'email', start: 38, end: 54 }],
};

beforeAll(async () => {
  redis = await createTestRedis();
  prefix = uniquePrefix('escalation-app');
  stream = `${prefix}tickets`;
  registry = new Registry();
  const { app } = createApp({
    logger: captured.logger,
    metrics: createMetrics({ service: 'escalation', registry, collectDefaults: false }),
    tickets: new TicketStore({ redis, prefix, stream }),
    probes: { redis: async () => (await redis.ping()) === 'PONG' },
    now: () => new Date('2025-03-01T10:00:00.000Z'),
  });
  server = await listen(app);
});
afterAll(async () => {
  await server.close();
  await deleteByPrefix(redis, prefix);
  await redis.quit();
});

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/v1/escalate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function streamEvents(): Promise<TicketEvent[]> {
  const entries = await redis.xrange(stream, '-', '+');
  return entries.map(([, fields]) => TicketEvent.parse(JSON.parse(fields[1] ?? '')));
}

describe('POST /v1/escalate', () => {
  it('escalates a request for a human, enqueues one ticket event and answers its id at once', async () => {
    const res = await post(human);
    expect(res.status).toBe(200);
    const body = EscalateResponse.parse(await res.json());
    expect(body).toMatchObject({ escalate: true, reason: 'explicit_request', priority: 'normal' });
    expect(body.ticketId).toMatch(/^tkt_[0-9a-f]{24}$/);

    const events = await streamEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      ticketId: body.ticketId,
      conversationId: 'conv-42',
      priority: 'normal',
      reason: 'explicit_request',
      subject: 'Customer asked for a human (contact_human_agent)',
      requestedAt: '2025-03-01T10:00:00.000Z',
    });
    // The ticket carries no customer text.
    expect(JSON.stringify(events)).not.toContain('jane@example.com');
    expect(captured.lines().join('\n')).not.toContain('jane@example.com');
  });

  it('answers the same ticket id to a retried call and enqueues nothing more', async () => {
    const first = EscalateResponse.parse(await (await post(human)).json());
    const again = EscalateResponse.parse(await (await post(human)).json());
    expect(again.ticketId).toBe(first.ticketId);
    expect(await streamEvents()).toHaveLength(1);
    expect(await registry.getSingleMetricAsString('escalation_tickets_enqueued_total')).toContain('result="duplicate"');
  });

  it('keys the ticket on the Idempotency-Key header when given', async () => {
    const a = EscalateResponse.parse(await (await post({ ...human, text: 'human please' }, { 'idempotency-key': `${prefix}conv-42:3` })).json());
    const b = EscalateResponse.parse(await (await post({ ...human, text: 'HUMAN PLEASE!!' }, { 'idempotency-key': `${prefix}conv-42:3` })).json());
    const c = EscalateResponse.parse(await (await post({ ...human, text: 'human please' }, { 'idempotency-key': `${prefix}conv-42:4` })).json());
    expect(b.ticketId).toBe(a.ticketId);
    expect(c.ticketId).not.toBe(a.ticketId);
  });

  it('does not escalate a routine turn and enqueues nothing', async () => {
    const before = (await streamEvents()).length;
    const res = await post({ ...human, text: 'where is order 555', intent: 'track_order', findings: [] });
    expect(await res.json()).toEqual({ escalate: false, reason: 'none', priority: 'low' });
    expect(await streamEvents()).toHaveLength(before);
  });

  it('rejects an invalid body with field errors in the envelope', async () => {
    const res = await post({ ...human, confidence: 7, intent: 'bogus' }, { 'x-correlation-id': 'corr-esc-1' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; correlationId: string; details: { path: string }[] } };
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', correlationId: 'corr-esc-1' });
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['confidence', 'intent']);
  });

  it('rejects a malformed Idempotency-Key', async () => {
    const res = await post(human, { 'idempotency-key': 'has spaces in it' });
    expect(res.status).toBe(400);
  });

  it('rejects a body that is not JSON', async () => {
    const res = await fetch(`${server.url}/v1/escalate`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(res.status).toBe(415);
  });
});

describe('GET /v1/tickets/{id}', () => {
  it('shows an enqueued ticket as pending until the worker has created it', async () => {
    const { ticketId } = EscalateResponse.parse(await (await post({ ...human, conversationId: 'conv-77' })).json());
    const res = await fetch(`${server.url}/v1/tickets/${ticketId}`);
    expect(res.status).toBe(200);
    expect(Ticket.parse(await res.json())).toMatchObject({ id: ticketId, conversationId: 'conv-77', status: 'pending', priority: 'normal' });
  });

  it('answers 404 in the error envelope for an unknown ticket', async () => {
    const res = await fetch(`${server.url}/v1/tickets/tkt_000000000000000000000000`, { headers: { 'x-correlation-id': 'corr-404' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Ticket not found', correlationId: 'corr-404' } });
  });

  it('answers 400 for an id that is not an id', async () => {
    const res = await fetch(`${server.url}/v1/tickets/${encodeURIComponent('../../etc/passwd')}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });
});

describe('with Redis down', () => {
  it('answers 503 with Retry-After instead of a 500, for escalations and ticket reads', async () => {
    const down = createDownRedis();
    const { app } = createApp({
      logger: createCapturingLogger('escalation').logger,
      metrics: createMetrics({ service: 'escalation', registry: new Registry(), collectDefaults: false }),
      tickets: new TicketStore({ redis: down, prefix, stream }),
    });
    const s = await listen(app);
    try {
      const res = await fetch(`${s.url}/v1/escalate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(human) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
      expect((await fetch(`${s.url}/v1/tickets/tkt_1`)).status).toBe(503);
    } finally {
      await s.close();
      down.disconnect();
    }
  });
});

describe('service endpoints', () => {
  it('serves health, readiness and metrics with the decision counters', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/ready`)).json()).toMatchObject({ status: 'ready', probes: { redis: true } });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/escalation_decisions_total\{escalate="true",priority="normal"[^}]*\} [1-9]/);
  });
});
