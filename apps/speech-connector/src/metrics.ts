import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SpeechMetrics {
  /** `speech_active_streams`: transcriptions running now (the KEDA scaling signal). */
  readonly activeStreams: Gauge;
  /** `speech_transcriptions_queued`: transcriptions waiting for a slot. */
  readonly queued: Gauge;
  /** `speech_active_syntheses` */
  readonly activeSyntheses: Gauge;
  /** `speech_requests_total{operation,provider,outcome}` */
  readonly requests: Counter<'operation' | 'provider' | 'outcome'>;
  /** `speech_audio_duration_seconds{operation,provider}`: length of the audio transcribed or produced. */
  readonly audioSeconds: Histogram<'operation' | 'provider'>;
  /** `speech_processing_seconds{operation,provider}`: engine time per request (queue excluded). */
  readonly processingSeconds: Histogram<'operation' | 'provider'>;
}

/** Speech series on the service registry. `queuedNow` is read at scrape time. */
export function createSpeechMetrics(registry: Registry, queuedNow: () => number): SpeechMetrics {
  const registers = [registry];
  const activeStreams = new Gauge({ name: 'speech_active_streams', help: 'Audio streams being transcribed now (KEDA scaling signal)', registers });
  activeStreams.set(0);
  const activeSyntheses = new Gauge({ name: 'speech_active_syntheses', help: 'Syntheses running now', registers });
  activeSyntheses.set(0);
  return {
    activeStreams,
    activeSyntheses,
    queued: new Gauge({
      name: 'speech_transcriptions_queued',
      help: 'Transcriptions waiting for a free slot',
      registers,
      collect() {
        this.set(queuedNow());
      },
    }),
    requests: new Counter({
      name: 'speech_requests_total',
      help: 'Speech requests by operation (transcribe, synthesize), provider and outcome (ok, rejected, busy, error)',
      labelNames: ['operation', 'provider', 'outcome'] as const,
      registers,
    }),
    audioSeconds: new Histogram({
      name: 'speech_audio_duration_seconds',
      help: 'Length of the audio transcribed (input) or synthesized (output)',
      labelNames: ['operation', 'provider'] as const,
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 45, 60, 120],
      registers,
    }),
    processingSeconds: new Histogram({
      name: 'speech_processing_seconds',
      help: 'Time the speech engine took per request (queue wait excluded)',
      labelNames: ['operation', 'provider'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 45],
      registers,
    }),
  };
}
