import type { Ticket } from '@supportmesh/contracts';
import { z } from 'zod';
import { ServiceDeskError } from '../errors/service-desk-error.js';
import type { CreateTicketOptions, ServiceDesk } from './service-desk.js';

export interface ZendeskServiceDeskOptions {
  /** `https://{subdomain}.zendesk.com` (or a proxy / local stand-in). */
  readonly baseUrl: string;
  /** Agent email for API-token auth. */
  readonly email: string;
  readonly apiToken: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** The part of Zendesk's `201 { ticket }` answer this adapter reads. */
const CreatedTicket = z.object({
  ticket: z.object({ id: z.union([z.number().int(), z.string().min(1).max(128)]) }),
});

/** Answers that mean the ticket itself is rejected: retrying cannot help. (401/403 can: credentials get fixed.) */
const PERMANENT = new Set([400, 413, 422]);

/**
 * Zendesk Support REST adapter: `POST /api/v2/tickets.json` with API-token basic auth
 * (`{email}/token:{apiToken}`) and an `Idempotency-Key` header, so a retry after a lost answer returns the
 * ticket created the first time instead of a second one. The ticket carries no customer text — only the
 * conversation id, reason and priority (agents open the conversation for the transcript).
 */
export class ZendeskServiceDesk implements ServiceDesk {
  readonly name = 'zendesk';
  private readonly url: string;
  private readonly authorization: string;
  private readonly fetch: typeof fetch;

  constructor(opts: ZendeskServiceDeskOptions) {
    this.url = `${opts.baseUrl.replace(/\/+$/, '')}/api/v2/tickets.json`;
    this.authorization = `Basic ${Buffer.from(`${opts.email}/token:${opts.apiToken}`).toString('base64')}`;
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  static baseUrlFor(subdomain: string): string {
    return `https://${subdomain}.zendesk.com`;
  }

  async createTicket(ticket: Ticket, opts: CreateTicketOptions): Promise<{ externalId: string }> {
    let res: Response;
    try {
      res = await this.fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': opts.idempotencyKey,
        },
        body: JSON.stringify({ ticket: zendeskTicket(ticket) }),
        signal: opts.signal,
      });
    } catch (cause) {
      if (opts.signal.aborted) throw opts.signal.reason ?? cause;
      throw new ServiceDeskError('Zendesk unreachable', { retryable: true, cause });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new ServiceDeskError(`Zendesk answered ${res.status}`, { status: res.status, retryable: !PERMANENT.has(res.status) });
    }
    const parsed = CreatedTicket.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new ServiceDeskError('Zendesk answered an unexpected body', { status: res.status, retryable: true });
    return { externalId: String(parsed.data.ticket.id) };
  }
}

function zendeskTicket(ticket: Ticket): Record<string, unknown> {
  const reasons = ticket.reason.split(',').map((r) => r.split(':')[0] ?? r);
  return {
    subject: ticket.subject,
    comment: {
      body: [
        'Escalated by Support Mesh.',
        `Conversation: ${ticket.conversationId}`,
        `Reason: ${ticket.reason}`,
        `Priority: ${ticket.priority}`,
        `Support Mesh ticket: ${ticket.id}`,
      ].join('\n'),
      public: false,
    },
    priority: ticket.priority,
    external_id: ticket.id,
    tags: ['supportmesh', ...reasons.map((r) => `escalation_${r}`)],
  };
}
