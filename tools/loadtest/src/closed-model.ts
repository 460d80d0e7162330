import type { GatewayClient } from './client.js';
import { pickClass, type ClassMix } from './messages.js';
import type { MessageClass } from './result-schema.js';
import { sleep } from './sleep.js';
import type { Collector } from './stats.js';

export interface ClosedModelOptions {
  readonly users: number;
  /** Aggregate turn rate over all users; each user paces itself to `rps / users`. */
  readonly rps: number;
  readonly durationMs: number;
  readonly turns: readonly [number, number];
  readonly mix: ClassMix;
  readonly random: () => number;
  /** The text of the next turn of a class (catalogue pick, tagged unique unless the run repeats messages). */
  readonly message: (cls: MessageClass) => string;
  readonly now: () => number;
  readonly client: GatewayClient;
  readonly collector: Collector;
  readonly userId: (index: number) => string;
  /** Ends the run early (Ctrl-C); in-flight requests are aborted. */
  readonly stop?: AbortSignal;
}

/**
 * Closed-model load: `users` virtual users each open a conversation, send 2–4 turns (a simple / moderate /
 * complex mix) and think between turns, paced like Locust's `constant_throughput` so the whole
 * population sends `rps` turns per second. A user waits for each reply before the next turn, so latency is
 * measured from the actual send. Users start staggered over one pacing interval.
 */
export async function runClosedModel(opts: ClosedModelOptions): Promise<void> {
  const pacingMs = (opts.users / opts.rps) * 1000;
  const endAt = opts.durationMs;
  const stop = opts.stop ?? new AbortController().signal;
  const remaining = () => Math.max(0, endAt - opts.now());

  const timed = async (op: 'create' | 'message', cls: MessageClass | undefined, call: () => ReturnType<GatewayClient['chat']>) => {
    const sentAt = opts.now();
    opts.collector.arrive(sentAt);
    opts.collector.sent();
    const reply = await call();
    opts.collector.record({ op, ...(cls ? { cls } : {}), intendedAt: sentAt, sentAt, doneAt: opts.now(), reply });
    return reply;
  };

  const user = async (index: number): Promise<void> => {
    const id = opts.userId(index);
    await sleep(Math.min(remaining(), (index / opts.users) * pacingMs), stop);
    while (opts.now() < endAt && !stop.aborted) {
      const created = await timed('create', undefined, () => opts.client.createConversation(id, stop));
      if (!created.ok || !created.conversationId) {
        await sleep(Math.min(remaining(), pacingMs), stop);
        continue;
      }
      const [min, max] = opts.turns;
      const turns = min + Math.floor(opts.random() * (max - min + 1));
      for (let turn = 0; turn < turns && opts.now() < endAt && !stop.aborted; turn++) {
        const started = opts.now();
        const cls = pickClass(opts.random, opts.mix);
        const text = opts.message(cls);
        const conversationId = created.conversationId;
        await timed('message', cls, () => opts.client.sendMessage(id, conversationId, text, stop));
        const think = pacingMs * (0.8 + 0.4 * opts.random()) - (opts.now() - started);
        await sleep(Math.min(remaining(), think), stop);
      }
    }
  };

  await Promise.all(Array.from({ length: opts.users }, (_, i) => user(i)));
}
