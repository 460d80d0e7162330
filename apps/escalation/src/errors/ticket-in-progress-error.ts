const BRAND = Symbol.for('supportmesh.escalation.TicketInProgressError');

/** Another worker is creating this ticket right now; the entry is retried later. */
export class TicketInProgressError extends Error {
  readonly code = 'TICKET_IN_PROGRESS' as const;
  readonly [BRAND] = true;

  constructor(message = 'Ticket creation already in progress', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TicketInProgressError';
  }
}

export function isTicketInProgressError(e: unknown): e is TicketInProgressError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
