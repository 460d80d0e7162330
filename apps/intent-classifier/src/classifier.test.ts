import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClassifier } from './classifier.js';
import type { LlmIntentClassifier } from './llm/llm-intent-classifier.js';
import { trainedModel } from './model/trained.js';

const model = trainedModel();
const UNSURE_TEXT = 'something about my subscription';
const SURE_TEXT = 'where is my order 12345?';

function stubLlm(answer: Awaited<ReturnType<LlmIntentClassifier['classify']>> = { intent: 'newsletter_subscription', confidence: 0.8 }) {
  return { classify: vi.fn<LlmIntentClassifier['classify']>().mockResolvedValue(answer) };
}

describe('createClassifier (stub LLM standing in for the llm-client)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers intent, category, confidence, sentiment and entities from the local model', async () => {
    const classifier = createClassifier({ model });
    const result = await classifier.classify({ text: 'This is terrible, where is my order NW-10482?' });
    expect(result).toMatchObject({ intent: 'track_order', category: 'ORDER', source: 'model' });
    expect(result.confidence).toBeGreaterThan(0.45);
    expect(result.sentiment.label).toBe('negative');
    expect(result.entities).toEqual([{ type: 'order_number', value: 'NW-10482' }]);
  });

  it('treats any mode as off when no LLM is configured', async () => {
    const classifier = createClassifier({ model, mode: 'always' });
    expect(classifier.mode).toBe('off');
    expect((await classifier.classify({ text: UNSURE_TEXT })).source).toBe('model');
  });

  it('in fallback mode asks the LLM only when the local model is unsure', async () => {
    const llm = stubLlm();
    const classifier = createClassifier({ model, llm, mode: 'fallback' });
    expect((await classifier.classify({ text: SURE_TEXT })).source).toBe('model');
    expect(llm.classify).not.toHaveBeenCalled();
    const unsure = await classifier.classify({ text: UNSURE_TEXT });
    expect(unsure).toMatchObject({ intent: 'newsletter_subscription', category: 'SUBSCRIPTION', confidence: 0.8, source: 'llm' });
    expect(llm.classify).toHaveBeenCalledTimes(1);
  });

  it('in always mode asks the LLM first, passing the history along', async () => {
    const llm = stubLlm({ intent: 'track_order', confidence: 0.9 });
    const classifier = createClassifier({ model, llm, mode: 'always' });
    const result = await classifier.classify({ text: SURE_TEXT, history: ['hi'] });
    expect(result.source).toBe('llm');
    expect(llm.classify).toHaveBeenCalledWith(SURE_TEXT, expect.objectContaining({ history: ['hi'] }));
  });

  it('falls back to the local answer (source "fallback") when the LLM fails', async () => {
    const failures: unknown[] = [];
    const llm = { classify: vi.fn<LlmIntentClassifier['classify']>().mockRejectedValue(new Error('down')) };
    const classifier = createClassifier({ model, llm, mode: 'always', onLlmFailure: (e) => failures.push(e) });
    const result = await classifier.classify({ text: SURE_TEXT });
    expect(result).toMatchObject({ intent: 'track_order', source: 'fallback' });
    expect(failures).toHaveLength(1);
  });

  it('gives up on an LLM that does not answer within the deadline (fake timers)', async () => {
    vi.useFakeTimers();
    const llm = { classify: vi.fn<LlmIntentClassifier['classify']>(() => new Promise(() => undefined)) };
    const classifier = createClassifier({ model, llm, mode: 'fallback', llmTimeoutMs: 2000 });
    const pending = classifier.classify({ text: UNSURE_TEXT });
    await vi.advanceTimersByTimeAsync(1999);
    let settled = false;
    void pending.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).source).toBe('fallback');
    const signal = llm.classify.mock.calls[0]?.[1]?.signal;
    expect(signal?.aborted).toBe(true);
  });

  it('uses the previous customer turn when a short follow-up alone is unclear', async () => {
    const classifier = createClassifier({ model });
    const alone = await classifier.classify({ text: 'it is NW-55512' });
    const followUp = await classifier.classify({ text: 'it is NW-55512', history: ['I want a refund for my jacket'] });
    expect(alone.confidence).toBeLessThan(0.45);
    expect(followUp).toMatchObject({ intent: 'get_refund', source: 'model' });
    expect(followUp.confidence).toBeGreaterThan(0.9);
    expect(followUp.entities).toEqual([{ type: 'order_number', value: 'NW-55512' }]);
  });

  it('keeps a confident answer even when there is history', async () => {
    const classifier = createClassifier({ model });
    const result = await classifier.classify({ text: 'I want to talk to a person', history: ['I want a refund for my jacket'] });
    expect(result.intent).toBe('contact_human_agent');
  });
});
