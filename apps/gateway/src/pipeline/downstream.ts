import { createServiceClient, type ServiceClient } from '@supportmesh/service-kit';
import { bindBreakerMetrics, type Logger, type Metrics } from '@supportmesh/telemetry';

/** The agents the pipeline calls, one client (keep-alive, deadline, circuit breaker) each. */
export interface Downstream {
  readonly critic: ServiceClient;
  readonly classifier: ServiceClient;
  readonly retrieval: ServiceClient;
  readonly responder: ServiceClient;
  readonly escalation: ServiceClient;
}

export interface DownstreamUrls {
  readonly critic: string;
  readonly classifier: string;
  readonly retrieval: string;
  readonly responder: string;
  readonly escalation: string;
}

export interface DownstreamOptions {
  readonly urls: DownstreamUrls;
  /** Default per-attempt deadline (each call passes its own hop timeout). @default 8000 */
  readonly timeoutMs?: number;
  /** Breaker: consecutive failures to open, and open time. @default 5, 30_000 */
  readonly breakerFailures?: number;
  readonly breakerResetMs?: number;
  readonly logger?: Logger;
  /** When given, each breaker's state is mirrored in `circuit_breaker_state{name}`. */
  readonly metrics?: Metrics;
}

const NAMES: Readonly<Record<keyof Downstream, string>> = {
  critic: 'critic',
  classifier: 'intent-classifier',
  retrieval: 'knowledge-retrieval',
  responder: 'response-generator',
  escalation: 'escalation',
};

export function createDownstream(opts: DownstreamOptions): Downstream {
  const make = (key: keyof Downstream): ServiceClient => {
    const client = createServiceClient({
      name: NAMES[key],
      baseUrl: opts.urls[key],
      timeoutMs: opts.timeoutMs ?? 8_000,
      breaker: { failureThreshold: opts.breakerFailures ?? 5, resetTimeoutMs: opts.breakerResetMs ?? 30_000 },
      logger: opts.logger,
    });
    if (opts.metrics && client.breaker) bindBreakerMetrics(client.breaker, opts.metrics, NAMES[key]);
    return client;
  };
  return {
    critic: make('critic'),
    classifier: make('classifier'),
    retrieval: make('retrieval'),
    responder: make('responder'),
    escalation: make('escalation'),
  };
}

export function closeDownstream(d: Downstream): void {
  for (const c of Object.values(d) as ServiceClient[]) c.close();
}
