import type { KedaTrigger, KedaTriggerKind, ServiceSignal, SignalSample } from './result-schema.js';

interface TriggerDef {
  readonly trigger: KedaTriggerKind;
  readonly threshold: number;
  readonly unit: string;
  readonly read: (s: ServiceSignal) => number | undefined;
}

/**
 * The triggers the infra's ScaledObjects use (DESIGN.md "Scaling signals"): in-flight requests per pod
 * above 10 (Prometheus averageValue), p95 latency above 1 s, Redis stream lag above 100.
 */
export const KEDA_TRIGGERS: readonly TriggerDef[] = [
  { trigger: 'in-flight-per-pod', threshold: 10, unit: 'requests', read: (s) => s.inFlight },
  { trigger: 'p95-latency', threshold: 1000, unit: 'ms', read: (s) => s.p95Ms },
  { trigger: 'stream-lag', threshold: 100, unit: 'entries', read: (s) => s.streamLag },
];

/**
 * For every service and trigger with data: whether the metric went above the threshold (KEDA would
 * have scaled up), when first and last, and the peak. The scraped in-flight gauge is that of the pod
 * that answered, i.e. already "per pod".
 */
export function evaluateKeda(samples: readonly SignalSample[]): KedaTrigger[] {
  const services = [...new Set(samples.flatMap((s) => Object.keys(s.services)))];
  const rows: KedaTrigger[] = [];
  for (const def of KEDA_TRIGGERS) {
    for (const service of services) {
      let count = 0;
      let above = 0;
      let peak: number | undefined;
      let first: number | undefined;
      let last: number | undefined;
      for (const sample of samples) {
        const signal = sample.services[service];
        const v = signal ? def.read(signal) : undefined;
        if (v === undefined || !Number.isFinite(v)) continue;
        count++;
        peak = Math.max(peak ?? v, v);
        if (v > def.threshold) {
          above++;
          first ??= sample.t;
          last = sample.t;
        }
      }
      if (count === 0) continue;
      rows.push({
        trigger: def.trigger,
        service,
        threshold: def.threshold,
        unit: def.unit,
        fired: above > 0,
        ...(first !== undefined ? { firstAtS: first } : {}),
        ...(last !== undefined ? { lastAtS: last } : {}),
        samplesAbove: above,
        samples: count,
        ...(peak !== undefined ? { peak } : {}),
        ...(def.trigger === 'in-flight-per-pod' && peak !== undefined
          ? { peakDesiredReplicas: Math.max(1, Math.ceil(peak / def.threshold)) }
          : {}),
      });
    }
  }
  return rows;
}
