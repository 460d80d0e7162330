import { requireJson, ServiceUnavailableError, validateBody } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import type { Express } from 'express';
import type { CriticMetrics } from '../metrics.js';
import { detokenizeText, TOKEN_PATTERN } from '@supportmesh/pii';
import type { TokenVault } from '../vault/index.js';
import { DetokenizeRequest, type DetokenizeResponse } from './schemas.js';

export interface DetokenizeRouteDeps {
  readonly logger: Logger;
  readonly metrics: CriticMetrics;
  readonly vault: TokenVault;
}

/** `POST /v1/detokenize` (internal): puts the conversation's PII values back into a reply for the customer. */
export function registerDetokenizeRoute(app: Express, deps: DetokenizeRouteDeps): void {
  const { logger, metrics, vault } = deps;
  app.post('/v1/detokenize', requireJson(), validateBody(DetokenizeRequest), async (req, res) => {
    const body = req.body as DetokenizeRequest;
    const tokens = body.text.match(TOKEN_PATTERN) ?? [];
    let mapping: Record<string, string> = {};
    if (tokens.length > 0) {
      try {
        mapping = await vault.mapping(body.conversationId);
      } catch (err) {
        metrics.vaultErrors.inc({ operation: 'detokenize' });
        throw new ServiceUnavailableError(1, 'Token vault unavailable', { cause: err });
      }
    }
    const replaced = tokens.filter((t) => Object.hasOwn(mapping, t)).length;
    metrics.detokenize.inc({ result: replaced > 0 ? 'filled' : 'none' });
    logger.debug({ conversationId: body.conversationId, tokens: tokens.length, replaced }, 'detokenize');
    const response: DetokenizeResponse = { text: detokenizeText(body.text, mapping), replaced };
    res.json(response);
  });
}
