import { Counter, Histogram, type Registry } from 'prom-client';

export interface RetrievalMetrics {
  readonly retrievals: Counter<'mode' | 'result'>;
  readonly topScore: Histogram<'mode'>;
}

/** Retrieval-specific series: how often queries find nothing, and how strong the best match is. */
export function createRetrievalMetrics(registry: Registry): RetrievalMetrics {
  return {
    retrievals: new Counter({
      name: 'retrieval_requests_total',
      help: 'Retrieve requests by mode (bm25, hybrid) and result (hit, empty)',
      labelNames: ['mode', 'result'] as const,
      registers: [registry],
    }),
    topScore: new Histogram({
      name: 'retrieval_top_score',
      help: 'Score of the best passage per request',
      labelNames: ['mode'] as const,
      buckets: [0.01, 0.05, 1, 5, 10, 20, 50, 100, 200],
      registers: [registry],
    }),
  };
}
