import type { Task, Tier } from './config.js';
import type { BreakerStateName } from './pool.js';
import type { Usage } from './pricing.js';

/** Event payloads; telemetry subscribes with `client.on(…)`. No payload carries message text or keys. */
export interface LlmEventMap {
  /** An upstream attempt is about to start on `deployment` (`attempt`: 1-based count of upstream attempts in this call). */
  request: { task: Task | 'embed'; tier: Tier; deployment: string; model: string; attempt: number; stream: boolean };
  /** An upstream attempt succeeded (real spend: tokens and cost). */
  response: {
    task: Task | 'embed';
    tier: Tier;
    deployment: string;
    model: string;
    usage: Usage;
    costUsd: number;
    latencyMs: number;
    stream: boolean;
  };
  /** An upstream attempt failed, or a deployment was skipped (breaker open, 429 cool-down, quota). */
  error: { task: Task | 'embed'; deployment?: string | undefined; model?: string | undefined; code: string; status?: number | undefined; latencyMs?: number | undefined };
  /** Answer served without an upstream call: exact or semantic cache, or joined an identical in-flight call. */
  cacheHit: { task: Task; kind: 'exact' | 'semantic' | 'inflight'; similarity?: number | undefined };
  cacheMiss: { task: Task };
  /** A deployment's breaker changed state. */
  breaker: { deployment: string; state: BreakerStateName };
  /** A full round over the deployments failed; we wait `delayMs` and try again. */
  retry: { task: Task | 'embed'; attempt: number; delayMs: number; code: string };
}
export type LlmEventName = keyof LlmEventMap;
export type LlmListener<E extends LlmEventName> = (event: LlmEventMap[E]) => void;

/** Tiny typed emitter: a throwing listener never breaks a call. */
export class LlmEvents {
  readonly #listeners = new Map<LlmEventName, Set<(e: never) => void>>();
  readonly #onListenerError: (err: unknown, event: LlmEventName) => void;

  constructor(onListenerError: (err: unknown, event: LlmEventName) => void = () => undefined) {
    this.#onListenerError = onListenerError;
  }

  on<E extends LlmEventName>(event: E, listener: LlmListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const stored = listener as (e: never) => void;
    set.add(stored);
    return () => {
      this.#listeners.get(event)?.delete(stored);
    };
  }

  emit<E extends LlmEventName>(event: E, payload: LlmEventMap[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as LlmListener<E>)(payload);
      } catch (err) {
        this.#onListenerError(err, event);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
