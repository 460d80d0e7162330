import { ConversationTurnEvent } from '@supportmesh/contracts';
import { StreamConsumer, type Redis, type StreamMessage } from '@supportmesh/state';
import type { Logger } from '@supportmesh/telemetry';
import type { AnalyticsStore } from '../aggregates/analytics-store.js';
import type { AnalyticsMetrics } from '../metrics.js';

export interface TurnHandlerDeps {
  readonly redis: Redis;
  readonly store: Pick<AnalyticsStore, 'apply'>;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly deadLetterStream: string;
  readonly metrics: AnalyticsMetrics;
  readonly logger?: Logger;
}

/**
 * Handles one `conversation.turn` entry: an event that fails the contract is moved to the dead-letter
 * stream at once (retrying cannot fix it); a valid one is applied exactly once (duplicates are no-ops).
 * Redis errors propagate, so the entry is retried and dead-lettered after `maxDeliveries`.
 */
export function createTurnHandler(deps: TurnHandlerDeps): (msg: StreamMessage) => Promise<void> {
  return async ({ id, data, deliveries }) => {
    const parsed = ConversationTurnEvent.safeParse(data);
    if (!parsed.success) {
      await deps.redis.xadd(
        deps.deadLetterStream, 'MAXLEN', '~', 10_000, '*',
        'data', JSON.stringify(data) ?? '',
        'originalId', id,
        'stream', deps.stream,
        'group', deps.group,
        'consumer', deps.consumer,
        'errorCode', 'VALIDATION_FAILED',
        'deliveries', String(deliveries),
        'failedAt', new Date().toISOString(),
      );
      deps.metrics.deadLettered.inc({ reason: 'validation' });
      // Paths only: the values could be anything.
      const paths = parsed.error.issues.slice(0, 5).map((i) => i.path.join('.'));
      deps.logger?.warn({ stream: deps.stream, entryId: id, paths }, 'invalid conversation.turn event moved to dead-letter stream');
      return;
    }
    const applied = await deps.store.apply(parsed.data);
    deps.metrics.processed.inc({ result: applied ? 'applied' : 'duplicate' });
  };
}

export interface TurnConsumerOptions extends Omit<TurnHandlerDeps, 'deadLetterStream'> {
  /** @default `${stream}:dead-letter` */
  readonly deadLetterStream?: string;
  readonly batchSize?: number;
  readonly blockMs?: number;
  readonly minIdleMs?: number;
  readonly claimIntervalMs?: number;
  readonly maxDeliveries?: number;
  readonly drainTimeoutMs?: number;
}

/** The analytics consumer-group worker on `conversation.turn` (XAUTOCLAIM for dead consumers, dead-letter stream). */
export function createTurnConsumer(opts: TurnConsumerOptions): StreamConsumer {
  const deadLetterStream = opts.deadLetterStream ?? `${opts.stream}:dead-letter`;
  return new StreamConsumer({
    redis: opts.redis,
    stream: opts.stream,
    group: opts.group,
    consumer: opts.consumer,
    deadLetterStream,
    handler: createTurnHandler({ ...opts, deadLetterStream }),
    batchSize: opts.batchSize,
    blockMs: opts.blockMs,
    minIdleMs: opts.minIdleMs,
    claimIntervalMs: opts.claimIntervalMs,
    maxDeliveries: opts.maxDeliveries,
    drainTimeoutMs: opts.drainTimeoutMs,
    logger: opts.logger,
  });
}
