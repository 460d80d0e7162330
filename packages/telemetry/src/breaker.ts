import type { Metrics } from './metrics.js';

/** Anything that emits circuit-breaker transitions (e.g. `@supportmesh/resilience`'s breaker, opossum). */
export interface BreakerEvents {
  /** Used as the `name` label when none is given. */
  readonly name?: string;
  /** Subscribes; may return a disposer (resilience) or the emitter (EventEmitter). */
  on(event: 'open' | 'halfOpen' | 'close', listener: () => void): unknown;
  off?(event: 'open' | 'halfOpen' | 'close', listener: () => void): unknown;
  /** Current state, used to initialise the gauge when present. */
  readonly state?: string;
}

/** `circuit_breaker_state` values. */
export const BREAKER_STATE_VALUE = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 } as const;

/**
 * Mirrors a breaker's state in `circuit_breaker_state{name}` (0 closed, 1 half-open, 2 open).
 * Returns a function that unsubscribes (via the disposer `on` returned, or `off`).
 */
export function bindBreakerMetrics(
  breaker: BreakerEvents,
  metrics: Pick<Metrics, 'llm'>,
  labels?: string | { readonly name: string },
): () => void {
  const name = (typeof labels === 'string' ? labels : labels?.name) ?? breaker.name ?? 'breaker';
  const gauge = metrics.llm.breakerState;
  const set = (value: number) => () => gauge.set({ name }, value);
  const onOpen = set(BREAKER_STATE_VALUE.OPEN);
  const onHalfOpen = set(BREAKER_STATE_VALUE.HALF_OPEN);
  const onClose = set(BREAKER_STATE_VALUE.CLOSED);

  const initial = breaker.state;
  gauge.set(
    { name },
    initial === 'OPEN' ? BREAKER_STATE_VALUE.OPEN : initial === 'HALF_OPEN' ? BREAKER_STATE_VALUE.HALF_OPEN : BREAKER_STATE_VALUE.CLOSED,
  );
  const subscriptions = [
    ['open', onOpen, breaker.on('open', onOpen)],
    ['halfOpen', onHalfOpen, breaker.on('halfOpen', onHalfOpen)],
    ['close', onClose, breaker.on('close', onClose)],
  ] as const;
  return () => {
    for (const [event, listener, disposer] of subscriptions) {
      if (typeof disposer === 'function') (disposer as () => void)();
      else breaker.off?.(event, listener);
    }
  };
}
