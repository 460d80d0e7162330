import { Counter, Histogram, type Registry } from 'prom-client';

export interface ClassifierMetrics {
  readonly classifications: Counter<'intent' | 'source'>;
  readonly confidence: Histogram<'source'>;
}

/** Classifier-specific series on the service registry (intent mix and confidence, for drift and threshold tuning). */
export function createClassifierMetrics(registry: Registry): ClassifierMetrics {
  return {
    classifications: new Counter({
      name: 'intent_classifications_total',
      help: 'Classified messages by intent and source (model, llm, fallback)',
      labelNames: ['intent', 'source'] as const,
      registers: [registry],
    }),
    confidence: new Histogram({
      name: 'intent_confidence',
      help: 'Confidence of the returned intent',
      labelNames: ['source'] as const,
      buckets: [0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9, 0.97, 1],
      registers: [registry],
    }),
  };
}
