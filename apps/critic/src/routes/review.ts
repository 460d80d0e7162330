import { ReviewRequest, type ReviewResponse } from '@supportmesh/contracts';
import { requireJson, validateBody } from '@supportmesh/service-kit';
import type { Logger } from '@supportmesh/telemetry';
import type { Express } from 'express';
import type { CriticMetrics } from '../metrics.js';
import { review } from '../review/index.js';
import type { TokenVault } from '../vault/index.js';

export interface ReviewRouteDeps {
  readonly logger: Logger;
  readonly metrics: CriticMetrics;
  readonly vault: TokenVault;
  readonly groundingThreshold?: number;
  readonly vaultFailOpen: boolean;
}

/** `POST /v1/review`: PII, injection and abuse screening (input); leaks, safety and grounding (output). */
export function registerReviewRoute(app: Express, deps: ReviewRouteDeps): void {
  const { logger, metrics } = deps;
  app.post('/v1/review', requireJson(), validateBody(ReviewRequest), async (req, res) => {
    const body = req.body as ReviewRequest;
    const outcome = await review(body, {
      vault: deps.vault,
      ...(deps.groundingThreshold === undefined ? {} : { groundingThreshold: deps.groundingThreshold }),
      ...(deps.vaultFailOpen
        ? {
            onVaultError: (err: unknown) => {
              metrics.vaultErrors.inc({ operation: 'tokenize' });
              logger.warn({ err: { name: (err as Error)?.name, code: (err as { code?: unknown })?.code } }, 'token vault unavailable; tokens not stored');
            },
          }
        : {}),
    });

    metrics.reviews.inc({ direction: body.direction, verdict: outcome.verdict });
    for (const f of outcome.findings) metrics.findings.inc({ direction: body.direction, type: f.type });
    // Types, counts and rule names only: never the text, the values or the passages.
    logger.info(
      {
        direction: body.direction,
        verdict: outcome.verdict,
        findingCount: outcome.findings.length,
        findingTypes: [...new Set(outcome.findings.map((f) => f.type))],
        rules: [...new Set(outcome.rules)],
        conversationId: body.conversationId,
      },
      'review',
    );

    const response: ReviewResponse = {
      verdict: outcome.verdict,
      text: outcome.text,
      findings: outcome.findings.map(({ type, start, end }) => ({ type, start, end })),
      ...(outcome.reply === undefined ? {} : { reply: outcome.reply }),
    };
    res.json(response);
  });
}
