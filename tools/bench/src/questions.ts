/**
 * Customer messages the benchmarks send. `QUESTIONS[i]` and `PARAPHRASES[i]` ask the same thing in other words
 * (the cache suite); `TURN_TEXTS` is the mix of simple, moderate and complex turns of the load suites.
 */
export const QUESTIONS: readonly string[] = [
  'Where is my order?',
  'How do I cancel my subscription?',
  'Can I get a refund for a damaged item?',
  'How do I change my shipping address?',
  'What payment methods do you accept?',
  'How do I reset my password?',
  'When will I receive my invoice?',
  'How can I track my package?',
  'Is there a fee for cancelling my order?',
  'How do I delete my account?',
  'Can I change the delivery date?',
  'How long does a refund take?',
  'Why was my card declined?',
  'How do I update my billing details?',
  'Can I return an item without a receipt?',
  'Do you ship internationally?',
  'How do I contact a human agent?',
  'What is your return policy?',
  'Can I pause my subscription?',
  'How do I apply a discount code?',
];

export const PARAPHRASES: readonly string[] = [
  'Where is my order right now?',
  'How can I cancel my subscription?',
  'Can I get a refund for an item that arrived damaged?',
  'How can I change my shipping address?',
  'Which payment methods do you accept?',
  'How can I reset my password?',
  'When do I receive my invoice?',
  'How do I track my package?',
  'Is there a fee if I cancel my order?',
  'How can I delete my account?',
  'Could I change the delivery date?',
  'How long does it take to get a refund?',
  'Why has my card been declined?',
  'How can I update my billing details?',
  'Can I return an item if I have no receipt?',
  'Do you ship to other countries?',
  'How can I contact a human agent?',
  'What is the return policy?',
  'Is it possible to pause my subscription?',
  'How can I apply a discount code?',
];

/** Load-suite turns: simple, moderate and complex messages (as in the seed's Locust example). */
export const TURN_TEXTS: readonly string[] = [
  'Where is my order?',
  'I want to change the shipping address of my last order to 12 Baker Street, London.',
  'My package was supposed to arrive last week, the tracking has not moved for five days and I need it for a birthday on Saturday. What can you do?',
  'How do I reset my password?',
  'I was charged twice for the same invoice this month, can you check and refund the duplicate payment?',
  'Can I pause my subscription while I am travelling for two months, and will I keep my current price when I resume?',
  'What payment methods do you accept?',
  'The blender I received is damaged, the lid is cracked. I would like a replacement or a refund.',
];
