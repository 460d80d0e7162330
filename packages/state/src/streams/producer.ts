import type { Redis } from 'ioredis';
import { StateArgumentError } from '../errors/state-argument-error.js';

export interface StreamProducerOptions {
  redis: Redis;
  stream: string;
  /** Approximate cap on the stream length (XADD MAXLEN ~). @default 100000 */
  maxLen?: number;
}

/** Publishes JSON events to a Redis stream as a single `data` field. */
export class StreamProducer {
  private readonly redis: Redis;
  readonly stream: string;
  private readonly maxLen: number;

  constructor(opts: StreamProducerOptions) {
    this.redis = opts.redis;
    this.stream = opts.stream;
    this.maxLen = opts.maxLen ?? 100_000;
    if (!Number.isInteger(this.maxLen) || this.maxLen < 1) throw new StateArgumentError('maxLen must be an integer >= 1');
  }

  /** Append the event; resolves with the stream entry id. */
  async publish(event: unknown): Promise<string> {
    const data = JSON.stringify(event);
    if (data === undefined) throw new StateArgumentError('stream events must be JSON-serialisable');
    const id = await this.redis.xadd(this.stream, 'MAXLEN', '~', this.maxLen, '*', 'data', data);
    // XADD only answers null with NOMKSTREAM, which is not used here.
    return id as string;
  }
}
