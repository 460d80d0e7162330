import { Id } from '@supportmesh/contracts';
import { NotFoundError, ServiceUnavailableError, validateParams } from '@supportmesh/service-kit';
import type { Express } from 'express';
import { z } from 'zod';
import type { TicketStore } from '../tickets/ticket-store.js';

export interface TicketsRouteDeps {
  readonly tickets: Pick<TicketStore, 'get'>;
}

const Params = z.object({ id: Id });

/** `GET /v1/tickets/{id}`: the ticket record (`pending` until the worker created it in the desk, then `open`). */
export function registerTicketsRoute(app: Express, deps: TicketsRouteDeps): void {
  app.get('/v1/tickets/:id', validateParams(Params), async (req, res) => {
    const { id } = req.params as z.infer<typeof Params>;
    let ticket;
    try {
      ticket = await deps.tickets.get(id);
    } catch (err) {
      throw new ServiceUnavailableError(1, 'Ticket store unavailable', { cause: err });
    }
    if (!ticket) throw new NotFoundError('Ticket not found');
    res.set('Cache-Control', 'no-store').json(ticket);
  });
}
