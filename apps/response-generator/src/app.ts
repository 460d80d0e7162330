import type { LlmClient } from '@supportmesh/llm-client';
import { createServiceApp, type ReadinessProbe, type ServiceApp } from '@supportmesh/service-kit';
import type { Logger, Metrics } from '@supportmesh/telemetry';
import { DEFAULT_HISTORY_TURNS } from './prompt.js';
import { registerPoolStatsRoute } from './routes/pool-stats.js';
import { registerRespondRoute } from './routes/respond.js';

export interface ResponseGeneratorAppDeps {
  /** The pooled LLM client (in production with Redis-backed caches, see `createResponseLlmClient`). */
  readonly llm: LlmClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Latest conversation turns put into the prompt. @default 6 */
  readonly historyTurns?: number;
  /** Readiness checks (e.g. Redis). */
  readonly probes?: Readonly<Record<string, ReadinessProbe>>;
  readonly clock?: { now(): number };
}

/** The response-generator service: `POST /v1/respond`, `GET /v1/pool/stats`, plus health, readiness and metrics. No I/O here. */
export function createApp(deps: ResponseGeneratorAppDeps): ServiceApp {
  const clock = deps.clock;
  const now = clock ? () => clock.now() : Date.now;
  return createServiceApp({
    service: 'response-generator',
    logger: deps.logger,
    metrics: deps.metrics,
    probes: { ...deps.probes },
    configure: (app) => {
      registerRespondRoute(app, { llm: deps.llm, logger: deps.logger, historyTurns: deps.historyTurns ?? DEFAULT_HISTORY_TURNS, now });
      registerPoolStatsRoute(app, deps.llm);
    },
  });
}
