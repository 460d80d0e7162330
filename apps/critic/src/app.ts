import { createServiceApp, type ServiceApp } from '@supportmesh/service-kit';
import type { Logger, Metrics } from '@supportmesh/telemetry';
import { createCriticMetrics } from './metrics.js';
import { registerDetokenizeRoute } from './routes/detokenize.js';
import { registerReviewRoute } from './routes/review.js';
import type { TokenVault } from './vault/index.js';

export interface CriticAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Where a conversation's PII tokens live (Redis in production). */
  readonly vault: TokenVault;
  /** Readiness checks (e.g. `{ redis: redisProbe(redis) }`). */
  readonly probes?: Readonly<Record<string, () => Promise<boolean>>>;
  /** @default 0.5 */
  readonly groundingThreshold?: number;
  /** Tokenise without storing when the vault fails, instead of answering 500. @default true */
  readonly vaultFailOpen?: boolean;
  /** @default '512kb' (a review may carry 20 passages) */
  readonly bodyLimit?: string;
}

/** The critic service: `POST /v1/review`, `POST /v1/detokenize`, plus health, readiness and metrics. No I/O here. */
export function createApp(deps: CriticAppDeps): ServiceApp {
  const criticMetrics = createCriticMetrics(deps.metrics.registry);
  return createServiceApp({
    service: 'critic',
    logger: deps.logger,
    metrics: deps.metrics,
    probes: { ...deps.probes },
    bodyLimit: deps.bodyLimit ?? '512kb',
    configure: (app) => {
      registerReviewRoute(app, {
        logger: deps.logger,
        metrics: criticMetrics,
        vault: deps.vault,
        vaultFailOpen: deps.vaultFailOpen ?? true,
        ...(deps.groundingThreshold === undefined ? {} : { groundingThreshold: deps.groundingThreshold }),
      });
      registerDetokenizeRoute(app, { logger: deps.logger, metrics: criticMetrics, vault: deps.vault });
    },
  });
}
