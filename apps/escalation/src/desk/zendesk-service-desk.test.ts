import type { Ticket } from '@supportmesh/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { isServiceDeskError, type ServiceDeskError } from '../errors/service-desk-error.js';
import { startZendeskStandIn, type ZendeskStandIn } from '../testing/index.js';
import { ZendeskServiceDesk } from './zendesk-service-desk.js';

const ticket: Ticket = {
  id: 'tkt_0123456789abcdef01234567',
  conversationId: 'conv-9',
  subject: 'Customer asked for a human (contact_human_agent)',
  priority: 'high',
  reason: 'sensitive_pii,policy_intent:payment_issue',
  status: 'open',
  createdAt: '2025-03-01T10:00:00.000Z',
  idempotencyKey: 'conv-9:4',
};

let standIn: ZendeskStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

function desk(url: string, apiToken = 'test-token'): ZendeskServiceDesk {
  return new ZendeskServiceDesk({ baseUrl: url, email: 'agent@example.com', apiToken });
}

const signal = (): AbortSignal => new AbortController().signal;

describe('ZendeskServiceDesk (against a local HTTP stand-in for Zendesk, no network)', () => {
  it('creates the ticket with API-token basic auth and the Idempotency-Key, without customer text', async () => {
    standIn = await startZendeskStandIn();
    const { externalId } = await desk(standIn.url).createTicket(ticket, { idempotencyKey: 'conv-9:4', signal: signal() });

    expect(externalId).toBe('1001');
    const [request] = standIn.requests();
    expect(request).toEqual({
      idempotencyKey: 'conv-9:4',
      authorization: `Basic ${Buffer.from('agent@example.com/token:test-token').toString('base64')}`,
    });
    const [created] = standIn.tickets();
    expect(created?.body).toMatchObject({
      subject: ticket.subject,
      priority: 'high',
      external_id: ticket.id,
      tags: ['supportmesh', 'escalation_sensitive_pii', 'escalation_policy_intent'],
      comment: { public: false },
    });
    expect(String((created?.body['comment'] as { body: string }).body)).toContain('Conversation: conv-9');
  });

  it('gets the first ticket back when the same key is replayed', async () => {
    standIn = await startZendeskStandIn();
    const zd = desk(standIn.url);
    const a = await zd.createTicket(ticket, { idempotencyKey: 'k-1', signal: signal() });
    const b = await zd.createTicket(ticket, { idempotencyKey: 'k-1', signal: signal() });
    expect(b.externalId).toBe(a.externalId);
    expect(standIn.tickets()).toHaveLength(1);
  });

  it.each([
    [503, true],
    [429, true],
    [401, true],
    [422, false],
  ])('maps a %i answer to a ServiceDeskError (retryable: %s)', async (status, retryable) => {
    standIn = await startZendeskStandIn({ failWith: status === 401 ? undefined : status });
    const err = (await desk(standIn.url, status === 401 ? 'wrong-token' : 'test-token')
      .createTicket(ticket, { idempotencyKey: 'k', signal: signal() })
      .catch((e: unknown) => e)) as ServiceDeskError;
    expect(isServiceDeskError(err)).toBe(true);
    expect({ status: err.status, retryable: err.retryable, code: err.code }).toEqual({ status, retryable, code: 'SERVICE_DESK_ERROR' });
    expect(err.message).not.toContain('test-token');
  });

  it('reports an unreachable desk as a retryable ServiceDeskError', async () => {
    standIn = await startZendeskStandIn();
    const url = standIn.url;
    await standIn.close();
    standIn = undefined;
    const err = await desk(url).createTicket(ticket, { idempotencyKey: 'k', signal: signal() }).catch((e: unknown) => e);
    expect(isServiceDeskError(err) && err.retryable).toBe(true);
  });

  it('gives up when the signal aborts (the desk created the ticket and stalls)', async () => {
    standIn = await startZendeskStandIn({ stallAfterCreate: 1 });
    const controller = new AbortController();
    const call = desk(standIn.url).createTicket(ticket, { idempotencyKey: 'k', signal: controller.signal });
    const reason = new Error('deadline');
    setTimeout(() => controller.abort(reason), 50);
    await expect(call).rejects.toBe(reason);
    expect(standIn.tickets()).toHaveLength(1);
  });

  it('derives the production URL from the subdomain', () => {
    expect(ZendeskServiceDesk.baseUrlFor('northwind')).toBe('https://northwind.zendesk.com');
  });
});
