import { startEmulator, type Emulator } from '@supportmesh/llm-emulator';
import { createLlmClient, type ChatResult, type LlmClient } from '@supportmesh/llm-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLlmClassificationError } from './llm-classification-error.js';
import { createLlmIntentClassifier } from './llm-intent-classifier.js';

describe('createLlmIntentClassifier with the LLM emulator over HTTP', () => {
  let emu: Emulator;
  let client: LlmClient;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, host: '127.0.0.1' });
    client = createLlmClient({
      deployments: [{ name: 'mini', provider: 'openai', endpoint: `${emu.url}/v1`, apiKey: 'test-key', model: 'gpt-4o-mini' }],
      retry: { maxRetries: 0 },
      cache: { enabled: false },
    });
  });

  afterAll(async () => {
    await client.close();
    await emu.close();
  });

  it('asks the small model for JSON whose intent is one of the 28 labels', async () => {
    const answer = await createLlmIntentClassifier(client).classify('something about my subscription');
    expect(answer).toEqual({ intent: 'newsletter_subscription', confidence: expect.any(Number) });
    expect(answer.confidence).toBeGreaterThan(0);
    expect(emu.stats().requests.byDeployment['gpt-4o-mini']?.chat).toBeGreaterThanOrEqual(1);
  });

  it('throws LlmClassificationError when the deployment fails', async () => {
    emu.setFaults({ failAll: true, status: 503 });
    try {
      const error = await createLlmIntentClassifier(client)
        .classify('where is my order')
        .catch((e: unknown) => e);
      expect(isLlmClassificationError(error)).toBe(true);
      expect((error as Error).cause).toBeDefined();
    } finally {
      emu.resetFaults();
    }
  });
});

describe('createLlmIntentClassifier (stub chat returning malformed answers)', () => {
  // the classifier reads only `content` of a chat result
  const stub = (content: string): Pick<LlmClient, 'chat'> => ({ chat: async () => ({ content }) as ChatResult });

  it.each([
    ['not JSON', 'sure! the intent is track_order'],
    ['an unknown intent', '{"intent":"buy_boat","confidence":0.9}'],
    ['a confidence out of range', '{"intent":"track_order","confidence":7}'],
  ])('rejects %s', async (_, content) => {
    const error = await createLlmIntentClassifier(stub(content))
      .classify('x')
      .catch((e: unknown) => e);
    expect(isLlmClassificationError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('LLM_CLASSIFICATION_FAILED');
  });

  it('uses a default confidence when the model leaves it out', async () => {
    expect(await createLlmIntentClassifier(stub('{"intent":"track_order"}')).classify('x')).toEqual({ intent: 'track_order', confidence: 0.7 });
  });
});
