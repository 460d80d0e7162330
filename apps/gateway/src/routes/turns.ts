import type { Response } from 'express';
import type { MessageResponse } from '@supportmesh/contracts';
import type { AdminConfigStore } from '../admin/config-store.js';
import type { Principal } from '../auth/principal.js';
import type { GatewayLimits } from '../limits/limits.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Conversations, OpenConversation } from '../store/conversations.js';

/** What the routes that run customer turns share. */
export interface TurnDeps {
  readonly limits: GatewayLimits;
  readonly conversations: Conversations;
  readonly pipeline: Pipeline;
  readonly adminConfig: AdminConfigStore;
}

/** Counts one request against the user's per-minute limit (the admin config's value wins over the env default). */
export async function limitUser(deps: TurnDeps, res: Response, user: string): Promise<void> {
  const admin = await deps.adminConfig.get();
  await deps.limits.consumeRequest(user, res, admin.rateLimitPerMinute);
}

/** An AbortSignal that fires when the client goes away before the answer is sent. */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Admits a turn before any work: the conversation's per-minute limit, and the user's token budget not yet spent. */
export async function admitTurn(deps: TurnDeps, res: Response, principal: Principal, conversation: OpenConversation): Promise<void> {
  await deps.limits.consumeSession(conversation.id);
  await deps.limits.checkTokens(principal.user, res);
}

/** Runs the pipeline on an admitted turn, then charges the tokens it used to the user. */
export async function answerTurn(deps: TurnDeps, res: Response, principal: Principal, conversation: OpenConversation, text: string): Promise<MessageResponse> {
  const result = await deps.pipeline.run({ conversation, text, signal: clientGone(res) });
  await deps.limits.consumeTokens(principal.user, result.totalTokens);
  return result.response;
}

/** Session limit, token budget check, the pipeline, then the tokens it used are charged to the user. */
export async function runTurn(deps: TurnDeps, res: Response, principal: Principal, conversation: OpenConversation, text: string): Promise<MessageResponse> {
  await admitTurn(deps, res, principal, conversation);
  return answerTurn(deps, res, principal, conversation, text);
}
