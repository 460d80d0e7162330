import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { ChatRequest, Id, MessageRequest, type CreateConversationResponse, type EndConversationResponse } from '@supportmesh/contracts';
import { requireJson, validateBody, validateParams } from '@supportmesh/service-kit';
import { principalOf } from '../auth/principal.js';
import { limitUser, runTurn, type TurnDeps } from './turns.js';

const IdParams = z.strictObject({ id: Id });

/**
 * `POST /v1/conversations`, `POST /v1/conversations/:id/messages`, `GET /v1/conversations/:id`,
 * `POST /v1/conversations/:id/end`, `POST /v1/chat`.
 */
export function registerConversationRoutes(app: Express, auth: RequestHandler, deps: TurnDeps): void {
  const { conversations } = deps;

  app.post('/v1/conversations', auth, async (_req, res) => {
    const principal = principalOf(res);
    const conversationId = await conversations.create(principal.user, 'api');
    const body: CreateConversationResponse = { conversationId };
    res.status(201).location(`/v1/conversations/${conversationId}`).json(body);
  });

  app.post('/v1/conversations/:id/messages', auth, validateParams(IdParams), requireJson(), validateBody(MessageRequest), async (req, res) => {
    const principal = principalOf(res);
    await limitUser(deps, res, principal.user);
    const { id } = req.params as z.infer<typeof IdParams>;
    const { text } = req.body as MessageRequest;
    const conversation = await conversations.open(id, principal);
    res.json(await runTurn(deps, res, principal, conversation, text));
  });

  app.get('/v1/conversations/:id', auth, validateParams(IdParams), async (req, res) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    res.set('Cache-Control', 'no-store').json(await conversations.record(id, principalOf(res)));
  });

  app.post('/v1/conversations/:id/end', auth, validateParams(IdParams), async (req, res) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    await conversations.end(id, principalOf(res));
    const body: EndConversationResponse = { conversationId: id, status: 'ended' };
    res.json(body);
  });

  app.post('/v1/chat', auth, requireJson(), validateBody(ChatRequest), async (req, res) => {
    const principal = principalOf(res);
    await limitUser(deps, res, principal.user);
    const { message } = req.body as ChatRequest;
    const id = await conversations.create(principal.user, 'chat');
    const conversation = await conversations.open(id, principal);
    res.json(await runTurn(deps, res, principal, conversation, message));
  });
}
