import { describe, expect, it } from 'vitest';
import { createFakeLlmClient } from './index.js';

describe('createFakeLlmClient', () => {
  it('answers from the responder, records calls and emits response events', async () => {
    const fake = createFakeLlmClient({ respond: (req) => (req.task === 'classify' ? '{"intent":"track_order"}' : 'Your order ships today.') });
    const seen: string[] = [];
    fake.on('response', (e) => seen.push(e.model));
    const res = await fake.chat({ task: 'respond', messages: [{ role: 'user', content: 'Where is my order?' }] });
    expect(res).toMatchObject({ content: 'Your order ships today.', model: 'gpt-4o', cached: false });
    expect(res.costUsd).toBeGreaterThan(0);
    expect(fake.calls).toHaveLength(1);
    expect(seen).toEqual(['gpt-4o']);
    expect(fake.stats().aggregate.total_requests).toBe(1);
  });
});
