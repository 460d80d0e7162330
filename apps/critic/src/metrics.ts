import { Counter, type Registry } from 'prom-client';

export interface CriticMetrics {
  /** `critic_reviews_total{direction,verdict}` */
  readonly reviews: Counter<'direction' | 'verdict'>;
  /** `critic_findings_total{direction,type}` */
  readonly findings: Counter<'direction' | 'type'>;
  /** `critic_detokenize_total{result}` (`filled` when at least one token was replaced, else `none`). */
  readonly detokenize: Counter<'result'>;
  /** `critic_vault_errors_total{operation}` */
  readonly vaultErrors: Counter<'operation'>;
}

/** The critic's own counters, registered on the service registry (served on /metrics). */
export function createCriticMetrics(registry: Registry): CriticMetrics {
  const registers = [registry];
  return {
    reviews: new Counter({ name: 'critic_reviews_total', help: 'Reviews by direction and verdict', labelNames: ['direction', 'verdict'] as const, registers }),
    findings: new Counter({ name: 'critic_findings_total', help: 'Findings by direction and type', labelNames: ['direction', 'type'] as const, registers }),
    detokenize: new Counter({ name: 'critic_detokenize_total', help: 'Detokenize calls by result', labelNames: ['result'] as const, registers }),
    vaultErrors: new Counter({ name: 'critic_vault_errors_total', help: 'Token vault (Redis) failures', labelNames: ['operation'] as const, registers }),
  };
}
