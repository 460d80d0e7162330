import type { StateLogger } from '../redis.js';
import type { StreamConsumer, StreamConsumerStats } from './consumer.js';

/** A gauge with `stream` and `group` labels (prom-client's `Gauge<'stream' | 'group'>` fits). */
export interface StreamGauge {
  set(labels: { stream: string; group: string }, value: number): void;
}

/** `redis_stream_lag{stream,group}` (entries not yet delivered to the group: the KEDA signal) and `redis_stream_pending{stream,group}`. */
export interface StreamGauges {
  readonly lag: StreamGauge;
  readonly pending: StreamGauge;
}

export interface StreamMonitorOptions {
  readonly consumer: Pick<StreamConsumer, 'lag' | 'pending' | 'stats'>;
  readonly stream: string;
  readonly group: string;
  readonly gauges: StreamGauges;
  /** Called with the growth of the consumer's counters since the previous refresh. */
  readonly onStatsDelta?: (delta: StreamConsumerStats) => void;
  /** @default 5000 */
  readonly intervalMs?: number;
  readonly logger?: StateLogger;
}

/**
 * Keeps `redis_stream_lag` / `redis_stream_pending` current (the KEDA scaling signal) and forwards the
 * consumer's counters to Prometheus, on an unref'd interval.
 */
export class StreamMonitor {
  private timer: NodeJS.Timeout | undefined;
  private last: StreamConsumerStats = { processed: 0, failed: 0, claimed: 0, deadLettered: 0 };
  private warned = false;

  constructor(private readonly opts: StreamMonitorOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.opts.intervalMs ?? 5_000);
    this.timer.unref();
    void this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads lag and pending once and updates the gauges; never throws (a Redis outage is logged once). */
  async refresh(): Promise<void> {
    const { consumer, stream, group, gauges } = this.opts;
    const stats = consumer.stats();
    const delta: StreamConsumerStats = {
      processed: stats.processed - this.last.processed,
      failed: stats.failed - this.last.failed,
      claimed: stats.claimed - this.last.claimed,
      deadLettered: stats.deadLettered - this.last.deadLettered,
    };
    this.last = stats;
    this.opts.onStatsDelta?.(delta);
    try {
      const [lag, pending] = await Promise.all([consumer.lag(), consumer.pending()]);
      gauges.lag.set({ stream, group }, lag);
      gauges.pending.set({ stream, group }, pending);
      this.warned = false;
    } catch (err) {
      if (!this.warned) this.opts.logger?.warn({ err: { message: (err as Error).message }, stream, group }, 'stream metrics refresh failed');
      this.warned = true;
    }
  }
}
