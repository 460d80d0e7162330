import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { bindBreakerMetrics } from './breaker.js';
import { createMetrics } from './metrics.js';

/** A stand-in breaker: only the event surface matters here (the real one lives in @supportmesh/resilience). */
class FakeBreaker extends EventEmitter {
  state: 'CLOSED' | 'OPEN' | 'HALF_OPEN' = 'CLOSED';
}

async function stateOf(metrics: ReturnType<typeof createMetrics>, name: string): Promise<number | undefined> {
  return (await metrics.llm.breakerState.get()).values.find((v) => v.labels['name'] === name)?.value;
}

/** Shaped like @supportmesh/resilience's breaker: `on` returns a disposer. */
class DisposerBreaker {
  readonly name = 'respond';
  readonly state = 'HALF_OPEN';
  readonly emitter = new EventEmitter();
  on(event: 'open' | 'halfOpen' | 'close', listener: () => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
}

describe('bindBreakerMetrics (fake breaker emitter)', () => {
  it('uses the breaker name and unsubscribes through the disposer `on` returns', async () => {
    const metrics = createMetrics({ service: 's', collectDefaults: false });
    const breaker = new DisposerBreaker();
    const unbind = bindBreakerMetrics(breaker, metrics);
    expect(await stateOf(metrics, 'respond')).toBe(1);
    breaker.emitter.emit('open');
    expect(await stateOf(metrics, 'respond')).toBe(2);
    unbind();
    expect(breaker.emitter.listenerCount('open') + breaker.emitter.listenerCount('close')).toBe(0);
  });

  it('follows open → half-open → closed transitions', async () => {
    const metrics = createMetrics({ service: 's', collectDefaults: false });
    const breaker = new FakeBreaker();
    bindBreakerMetrics(breaker, metrics, 'llm:gpt-4o');
    expect(await stateOf(metrics, 'llm:gpt-4o')).toBe(0);
    breaker.emit('open');
    expect(await stateOf(metrics, 'llm:gpt-4o')).toBe(2);
    breaker.emit('halfOpen');
    expect(await stateOf(metrics, 'llm:gpt-4o')).toBe(1);
    breaker.emit('close');
    expect(await stateOf(metrics, 'llm:gpt-4o')).toBe(0);
  });

  it('starts from the breaker current state and accepts a labels object', async () => {
    const metrics = createMetrics({ service: 's', collectDefaults: false });
    const breaker = new FakeBreaker();
    breaker.state = 'OPEN';
    bindBreakerMetrics(breaker, metrics, { name: 'critic' });
    expect(await stateOf(metrics, 'critic')).toBe(2);
  });

  it('stops following the breaker once unbound', async () => {
    const metrics = createMetrics({ service: 's', collectDefaults: false });
    const breaker = new FakeBreaker();
    const unbind = bindBreakerMetrics(breaker, metrics, 'b');
    unbind();
    breaker.emit('open');
    expect(await stateOf(metrics, 'b')).toBe(0);
    expect(breaker.listenerCount('open')).toBe(0);
  });
});
