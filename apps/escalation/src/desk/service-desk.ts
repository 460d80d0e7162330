import type { Ticket } from '@supportmesh/contracts';

export interface CreateTicketOptions {
  /** Same key on every attempt for one ticket: the desk must not create a second ticket for it. */
  readonly idempotencyKey: string;
  /** Aborted when the worker's deadline passes or it shuts down. */
  readonly signal: AbortSignal;
}

/** Where tickets are created (Zendesk in production, Redis locally). Implementations must honour the idempotency key. */
export interface ServiceDesk {
  /** Short name for metrics and records, e.g. `local`, `zendesk`. */
  readonly name: string;
  createTicket(ticket: Ticket, opts: CreateTicketOptions): Promise<{ externalId: string }>;
}
