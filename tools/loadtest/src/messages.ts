import type { MessageClass } from './result-schema.js';

/** Share of each message class (weights, need not sum to 1). */
export type ClassMix = Readonly<Record<MessageClass, number>>;

/** The default customer mix: mostly FAQ-style questions, some order-specific ones, a few long multi-issue ones. */
export const DEFAULT_MIX: ClassMix = { simple: 0.5, moderate: 0.35, complex: 0.15 };

/**
 * p95 thresholds per class (ms): short FAQ questions share the default SLO, longer ones get more room
 * because they retrieve more passages and produce longer answers.
 */
export const CLASS_P95_MS: Readonly<Record<MessageClass, number>> = { simple: 2000, moderate: 2500, complex: 3000 };

/** Synthetic customer messages (no real personal data; order numbers are made up). */
export const MESSAGES: Readonly<Record<MessageClass, readonly string[]>> = {
  simple: [
    'How do I track my order?',
    'What payment methods do you accept?',
    'How can I contact customer service?',
    'Where can I find my invoice?',
    'How do I reset my password?',
    'Do you ship internationally?',
    'What delivery options do you have?',
    'How do I create an account?',
    'Can I change my shipping address?',
    'How do I subscribe to the newsletter?',
  ],
  moderate: [
    "I placed order 48213 last week and it still hasn't shipped. Can you check the delivery status?",
    "I'd like to change the shipping address on order 55102 before it ships, it should go to my office instead.",
    'I was charged twice for my last purchase. How do I get the duplicate payment refunded?',
    'What is the cancellation fee if I cancel my yearly subscription in the third month?',
    'Invoice INV-2291 shows the wrong amount for the shipping costs, can you help me get it corrected?',
    'I want to return a damaged blender from order 77340 and get my money back, what do I need to do?',
    'My package with tracking number 1Z999AA10123456784 says delivered but I never received it.',
    "I can't log in to my account even after resetting my password twice, what else can I try?",
  ],
  complex: [
    "Hi, I ordered a laptop and a docking station three weeks ago (order 91822). The laptop arrived but the dock never did, tracking hasn't updated in ten days, and I was billed for express shipping that I didn't get. I'd like to know where the dock is, get the express shipping fee refunded, and if the dock can't arrive by Friday I want to cancel that part of the order. Also, how do I update my delivery address for future orders? I'm moving next month.",
    'I have been a customer for years and this is the third time this month my subscription renewal failed even though my card is valid. Each failure sent me a warning email, and now my account says it will be closed. Can you explain why the payments keep failing, make sure my account stays open, and tell me whether I will be charged a late fee for the missed renewals?',
    'I need to change the payment method on my open orders 66120 and 66121, one of them should be split between a gift card and my credit card, and I also need a corrected invoice for the first one with my company name on it for my expense report. Is that possible and how long does it take?',
    'Two items from my order 30417 arrived broken and the third one is the wrong size. I want a refund for the broken ones, an exchange for the wrong size, and I would like to know whether I have to pay return shipping for any of them, because the packaging was clearly damaged when it arrived.',
  ],
};

/** A small seeded PRNG (mulberry32): the same seed gives the same message sequence. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pickClass(random: () => number, mix: ClassMix): MessageClass {
  const total = mix.simple + mix.moderate + mix.complex;
  let r = random() * total;
  for (const cls of ['simple', 'moderate', 'complex'] as const) {
    r -= mix[cls];
    if (r < 0) return cls;
  }
  return 'simple';
}

export function pickMessage(random: () => number, cls: MessageClass): string {
  const list = MESSAGES[cls];
  return list[Math.floor(random() * list.length)] ?? list[0] ?? 'Hello';
}

/**
 * Makes every message of a run unique so the LLM caches (exact key, and the semantic cache, which only matches
 * when the identifier tokens — words with a digit — are equal) cannot answer it: a trailing `#lt<run><n>` tag.
 * Without it the catalogue's 22 messages are answered from the shared Redis cache after the first run (a second
 * run with the same seed is mostly cache hits), which hides the LLM's latency and makes runs incomparable.
 * The `#` form was chosen because it moves the intent classifier's scores the least (a `ref …` suffix, for
 * instance, turned "track my order" into a refund question).
 */
export class MessageTagger {
  private seq = 0;
  private readonly run: string;

  /** `runId`: any id of the run; its last six alphanumerics go into every tag. */
  constructor(runId: string) {
    this.run = runId.replace(/[^a-z0-9]/gi, '').slice(-6).toLowerCase();
  }

  /** `text #lt<run><n>` — unique within the run, and across runs with different ids. */
  tag(text: string): string {
    return `${text} #lt${this.run}${++this.seq}`;
  }
}
