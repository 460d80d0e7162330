import { createHash } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import { EmailWebhook, ShopifyWebhook, ZendeskWebhook } from '@supportmesh/contracts';
import { HttpError, requireJson, validateBody } from '@supportmesh/service-kit';
import { principalOf, setPrincipal, type Principal } from '../auth/principal.js';
import { verifyShopifyHmac, verifyZendeskSignature } from '../channels/signatures.js';
import { rawBodyErrors, rawJson } from '../channels/raw-body.js';
import { limitUser, runTurn, type TurnDeps } from './turns.js';

export interface ChannelSecrets {
  readonly shopify?: string;
  readonly zendesk?: string;
}

/** Paths whose raw body is captured before JSON parsing (signature checks). */
export const RAW_BODY_PATHS = ['/v1/channels/shopify', '/v1/channels/zendesk'];

const digest = (s: string, n = 32) => createHash('sha256').update(s).digest('hex').slice(0, n);

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Acts for an end user of a channel thread (rate limits and ownership follow that user). */
function actingFor(p: Principal, endUser: string): Principal {
  return { ...p, user: `${p.id}/${endUser}` };
}

function signatureRejected(): HttpError {
  return new HttpError(401, 'UNAUTHENTICATED', 'Webhook signature missing or invalid', undefined, {
    headers: { 'WWW-Authenticate': 'HMAC realm="supportmesh-webhooks"' },
  });
}

/**
 * Channel webhooks into the same pipeline, answering with the turn's MessageResponse:
 * `POST /v1/channels/email` (API key; thread = sender + subject), `POST /v1/channels/shopify` (HMAC over the raw
 * body instead of a key; thread = order id; the order note is the message), `POST /v1/channels/zendesk`
 * (API key, plus the Zendesk signature when a secret is set; thread = ticket id).
 */
export function registerChannelRoutes(app: Express, auth: RequestHandler, deps: TurnDeps, secrets: ChannelSecrets): void {
  const { conversations } = deps;

  app.post('/v1/channels/email', auth, requireJson(), validateBody(EmailWebhook), async (req, res) => {
    const body = req.body as EmailWebhook;
    const sender = body.from.toLowerCase();
    const subject = (body.subject ?? '').replace(/^\s*((re|fw|fwd|aw|sv)\s*:\s*)+/i, '').trim().toLowerCase();
    const principal = actingFor(principalOf(res), `email:${digest(sender, 16)}`);
    await limitUser(deps, res, principal.user);
    const id = `em-${digest(`${principal.user}\n${subject}`)}`;
    const conversation = await conversations.openOrCreate(id, principal, 'email');
    res.json(await runTurn(deps, res, principal, conversation, body.text));
  });

  const shopifyAuth: RequestHandler = (req, res, next) => {
    const secret = secrets.shopify;
    if (!secret || !verifyShopifyHmac(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), header(req, 'x-shopify-hmac-sha256'), secret)) {
      next(signatureRejected());
      return;
    }
    setPrincipal(res, { id: 'channel:shopify', kind: 'webhook', role: 'user', delegate: false, user: 'channel:shopify' });
    next();
  };

  app.post('/v1/channels/shopify', rawBodyErrors(), shopifyAuth, rawJson(), validateBody(ShopifyWebhook), async (req, res) => {
    const body = req.body as ShopifyWebhook;
    const note = body.note?.trim();
    if (!note) {
      res.status(202).json({ accepted: true, processed: false, reason: 'no customer note to answer' });
      return;
    }
    const customer = body.customer?.email ? `customer:${digest(body.customer.email.toLowerCase(), 16)}` : `order:${digest(String(body.id), 16)}`;
    const principal = actingFor(principalOf(res), customer);
    await limitUser(deps, res, principal.user);
    const id = `sh-${digest(`shopify\n${String(body.id)}`)}`;
    const conversation = await conversations.openOrCreate(id, principal, 'shopify');
    res.json(await runTurn(deps, res, principal, conversation, note));
  });

  const zendeskSignature: RequestHandler = (req, res, next) => {
    const secret = secrets.zendesk;
    if (!secret) {
      next();
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const ok = verifyZendeskSignature(raw, header(req, 'x-zendesk-webhook-signature'), header(req, 'x-zendesk-webhook-signature-timestamp'), secret);
    next(ok ? undefined : signatureRejected());
  };

  app.post('/v1/channels/zendesk', rawBodyErrors(), auth, zendeskSignature, rawJson(), validateBody(ZendeskWebhook), async (req, res) => {
    const body = req.body as ZendeskWebhook;
    const principal = actingFor(principalOf(res), `zendesk:${digest(String(body.ticket.id), 16)}`);
    await limitUser(deps, res, principal.user);
    const id = `zd-${digest(`${principalOf(res).id}\n${String(body.ticket.id)}`)}`;
    const conversation = await conversations.openOrCreate(id, principal, 'zendesk');
    res.json(await runTurn(deps, res, principal, conversation, body.ticket.description));
  });
}
