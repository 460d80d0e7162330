import { INTENTS, Intent } from '@supportmesh/contracts';
import type { LlmClient, ResponseFormat } from '@supportmesh/llm-client';
import { z } from 'zod';
import { LlmClassificationError } from './llm-classification-error.js';

/** What the classifier needs from an LLM: an intent and a confidence for one text. */
export interface LlmIntentClassifier {
  classify(text: string, options?: { history?: readonly string[]; signal?: AbortSignal }): Promise<{ intent: Intent; confidence: number }>;
}

const DESCRIPTIONS: Record<Intent, string> = {
  create_account: 'open a new customer account',
  delete_account: 'close or delete an account',
  edit_account: 'change profile details (name, email, phone)',
  recover_password: 'forgotten password, reset link, locked out',
  registration_problems: 'errors while signing up, missing verification email',
  switch_account: 'move between several accounts',
  check_cancellation_fee: 'fees for cancelling an order or the Trailhead Club membership',
  contact_customer_service: 'phone number, email, opening hours of support',
  contact_human_agent: 'wants to talk to a human / real person / agent',
  delivery_options: 'shipping methods, costs, carriers, pickup, countries',
  delivery_period: 'how long delivery takes in general',
  complaint: 'complaint or strong dissatisfaction',
  review: 'leave a review, rating or feedback',
  check_invoice: 'view or question an invoice',
  get_invoice: 'download or receive a copy of an invoice',
  cancel_order: 'cancel an order',
  change_order: 'modify items, size, colour or quantity of an order',
  place_order: 'buy something, how ordering works',
  track_order: 'status or whereabouts of a specific order or package',
  check_payment_methods: 'which payment methods are accepted',
  payment_issue: 'failed, declined or double payment',
  check_refund_policy: 'return and refund rules',
  get_refund: 'wants a refund for a purchase',
  track_refund: 'status of a refund already requested',
  change_shipping_address: 'change the delivery address of an order',
  set_up_shipping_address: 'add or save a new shipping address',
  newsletter_subscription: 'subscribe to or unsubscribe from the newsletter',
  other: 'anything else: chit-chat, off-topic, gibberish',
};

const SYSTEM_PROMPT = [
  'You classify customer messages for Northwind Outfitters, an online outdoor clothing and gear store.',
  'Answer with JSON only: {"intent": <one of the intents>, "confidence": <0..1>}.',
  'Intents:',
  ...INTENTS.map((i) => `- ${i}: ${DESCRIPTIONS[i]}`),
].join('\n');

const RESPONSE_FORMAT: ResponseFormat = {
  type: 'json_schema',
  json_schema: {
    name: 'intent_classification',
    strict: true,
    schema: {
      type: 'object',
      properties: {
        intent: { type: 'string', enum: [...INTENTS] },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
      },
      required: ['intent', 'confidence'],
      additionalProperties: false,
    },
  },
};

const LlmAnswer = z.object({ intent: Intent, confidence: z.number().min(0).max(1).optional() });

/** Confidence used when the model answers an intent without one. */
const DEFAULT_LLM_CONFIDENCE = 0.7;

/**
 * Classifies with the small model through the pooled llm-client (task `classify`, JSON-schema output whose
 * `intent` is an enum of the 28 labels). The customer text is the last user message; up to three earlier
 * customer turns go before it for context. Throws `LlmClassificationError` when the call fails or the answer
 * is not valid JSON for the schema.
 */
export function createLlmIntentClassifier(llm: Pick<LlmClient, 'chat'>, options: { maxTokens?: number } = {}): LlmIntentClassifier {
  return {
    async classify(text, { history = [], signal } = {}) {
      const messages = [
        { role: 'system' as const, content: SYSTEM_PROMPT },
        ...history.slice(-3).map((h) => ({ role: 'user' as const, content: h })),
        { role: 'user' as const, content: text },
      ];
      let content: string;
      try {
        const result = await llm.chat({
          task: 'classify',
          messages,
          maxTokens: options.maxTokens ?? 40,
          temperature: 0,
          responseFormat: RESPONSE_FORMAT,
          ...(signal ? { signal } : {}),
        });
        content = result.content;
      } catch (cause) {
        throw new LlmClassificationError('LLM classification call failed', { cause });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(content);
      } catch (cause) {
        throw new LlmClassificationError('LLM answered something that is not JSON', { cause });
      }
      const answer = LlmAnswer.safeParse(parsed);
      if (!answer.success) throw new LlmClassificationError('LLM answer does not match the classification schema', { cause: answer.error });
      return { intent: answer.data.intent, confidence: answer.data.confidence ?? DEFAULT_LLM_CONFIDENCE };
    },
  };
}
