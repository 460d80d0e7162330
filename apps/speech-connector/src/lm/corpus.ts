/**
 * What Northwind Outfitters customers say to the help desk: the training text of the local speech-to-text
 * language model (`models/northwind.lm`, built by `src/scripts/build-lm.ts`). Grouped by intent so the
 * vocabulary covers every intent of the classifier and the help-center topics (accounts, passwords, orders,
 * delivery, invoices, payments, refunds, addresses, newsletter, complaints, reviews, human hand-off).
 *
 * The sentences of the WER evaluation set (`src/wer/sentences.ts`) are held out: the build fails if one of
 * them appears here verbatim, so the measured error rate is not a test on training data.
 */
const HANDWRITTEN: Readonly<Record<string, readonly string[]>> = {
  create_account: [
    'i want to create an account',
    'how do i create a new account',
    'i would like to open an account',
    'how do i sign up',
    'can you help me register',
    'i want to register as a new customer',
    'where do i sign up for a northwind account',
    'do i need an account to place an order',
    'can i shop as a guest',
    'i want to make a profile on your website',
    'help me set up a customer account',
    'how can i join northwind outfitters',
  ],
  delete_account: [
    'i want to delete my account',
    'please close my account',
    'how do i delete my northwind account',
    'remove my account and all my data',
    'i no longer want an account with you',
    'can you cancel my account please',
    'delete my profile and my order history',
  ],
  edit_account: [
    'i need to update my profile',
    'how do i change my email address',
    'i want to change my phone number',
    'can i edit my account details',
    'how do i change the name on my account',
    'i want to update my personal information',
    'please change the email on my account',
  ],
  recover_password: [
    'i forgot my password',
    'i want to reset my password',
    'how do i reset my password',
    'i need a new password',
    'i cannot remember my password',
    'please send me a password reset link',
    'the password reset email never arrived',
    'my password does not work',
    'i am locked out of my account',
    'i cannot sign in to my account',
    'help me recover my password',
    'the reset link has expired',
    'i want to change my password',
    'my account is locked after too many attempts',
  ],
  registration_problems: [
    'i cannot register',
    'i get an error when i sign up',
    'the sign up page does not work',
    'it says my email is already registered',
    'i never got the verification email',
    'how do i verify my email address',
    'registration keeps failing',
    'i have a problem with my registration',
  ],
  switch_account: [
    'how do i switch to another account',
    'i want to use a different account',
    'can i switch accounts',
    'how do i change to my business account',
    'i have two accounts and want to use the other one',
  ],
  check_cancellation_fee: [
    'is there a cancellation fee',
    'how much does it cost to cancel',
    'will i be charged if i cancel my order',
    'what is the fee for cancelling an order',
    'do you charge a fee to cancel',
  ],
  contact_customer_service: [
    'how can i contact customer service',
    'what is your phone number',
    'when is customer service open',
    'what are your opening hours',
    'how do i reach customer support',
    'can i call you',
    'is there an email address for support',
    'i need to contact you',
  ],
  contact_human_agent: [
    'i want to talk to a human',
    'can i speak to a real person',
    'let me talk to an agent',
    'transfer me to a human agent please',
    'i need to speak with someone',
    'get me a person not a bot',
    'i want to speak to a manager',
    'connect me with a live agent',
  ],
  delivery_options: [
    'what delivery options do you have',
    'do you offer express delivery',
    'can i get next day delivery',
    'how much is shipping',
    'do you ship internationally',
    'is there free delivery',
    'can i pick up my order in a store',
    'what are the shipping options',
    'do you deliver on weekends',
  ],
  delivery_period: [
    'how long does delivery take',
    'when will my order arrive',
    'how many days does shipping take',
    'when can i expect my package',
    'my delivery is late',
    'my order has not arrived yet',
    'it has been two weeks and my package is still not here',
    'what is the delivery time for standard shipping',
  ],
  complaint: [
    'i want to make a complaint',
    'i am not happy with the service',
    'this is unacceptable',
    'i received the wrong item',
    'my jacket arrived damaged',
    'the boots i ordered are broken',
    'i want to file a complaint about my order',
    'your service is terrible',
    'i am very disappointed',
    'the product is not as described',
  ],
  review: [
    'i want to leave a review',
    'how do i write a review',
    'i want to give feedback',
    'i love the new tent',
    'great service thank you',
    'where can i rate the product',
    'i would like to share my feedback about the backpack',
  ],
  check_invoice: [
    'i want to check my invoice',
    'can i see my invoice',
    'there is a mistake on my invoice',
    'the amount on my invoice is wrong',
    'where can i find my invoices',
    'i have a question about my invoice',
    'why was i charged twice',
  ],
  get_invoice: [
    'i need an invoice for my order',
    'please send me a copy of my invoice',
    'can you email me the invoice',
    'how do i download my invoice',
    'i need a receipt for my purchase',
    'i did not receive an invoice',
  ],
  cancel_order: [
    'i want to cancel my order',
    'please cancel my order',
    'how do i cancel an order',
    'can i still cancel my order',
    'cancel the order i placed yesterday',
    'i ordered the wrong size and want to cancel',
    'i changed my mind please cancel it',
  ],
  change_order: [
    'i want to change my order',
    'can i add an item to my order',
    'i need to change the size',
    'can i change the color of my jacket',
    'remove one item from my order',
    'how do i modify my order',
    'i want to change the quantity',
  ],
  place_order: [
    'i want to place an order',
    'how do i buy a tent',
    'i would like to order a sleeping bag',
    'how do i place an order on your website',
    'can i order by phone',
    'i want to buy hiking boots',
    'help me order a rain jacket',
  ],
  track_order: [
    'where is my order',
    'i want to track my order',
    'can you check the status of my order',
    'how do i track my package',
    'what is my tracking number',
    'the tracking page does not show anything',
    'has my order shipped yet',
    'i want to know where my package is',
    'my order number is one two three four five six',
  ],
  check_payment_methods: [
    'what payment methods do you accept',
    'can i pay with paypal',
    'do you accept credit cards',
    'can i pay with apple pay',
    'can i pay in installments',
    'do you take gift cards',
    'can i pay by bank transfer',
  ],
  payment_issue: [
    'my payment did not go through',
    'my card was declined',
    'i was charged but the order failed',
    'there is a problem with my payment',
    'the payment keeps failing',
    'i paid twice for the same order',
    'why was my credit card charged',
  ],
  check_refund_policy: [
    'what is your refund policy',
    'what is your return policy',
    'can i return an item',
    'how many days do i have to return something',
    'do you refund shipping costs',
    'can i get my money back',
    'how do returns work',
  ],
  get_refund: [
    'i want a refund',
    'i would like to get a refund',
    'how do i get my money back',
    'please refund my order',
    'i want to return my boots and get a refund',
    'i returned the jacket and want my money back',
    'can you refund me',
  ],
  track_refund: [
    'where is my refund',
    'i have not received my refund',
    'when will i get my refund',
    'how long does a refund take',
    'can you check the status of my refund',
    'my refund is still not here',
    'you said you would refund me but nothing happened',
  ],
  change_shipping_address: [
    'i want to change my shipping address',
    'i need to change the delivery address',
    'can i send my order to a different address',
    'i moved and need to update my address',
    'the address on my order is wrong',
    'please change the address for my order',
  ],
  set_up_shipping_address: [
    'how do i add a shipping address',
    'i want to set up a new delivery address',
    'can i save another address',
    'how do i add a second address to my account',
    'i want to add my work address',
  ],
  newsletter_subscription: [
    'i want to subscribe to the newsletter',
    'how do i sign up for the newsletter',
    'please unsubscribe me from your emails',
    'stop sending me emails',
    'i want to cancel the newsletter',
    'how do i stop the newsletter',
  ],
  other: [
    'hello',
    'hi there',
    'good morning',
    'thank you',
    'thanks for your help',
    'yes please',
    'no thanks',
    'that is all',
    'goodbye',
    'can you help me',
    'i have a question',
    'i need help',
    'what can you do',
    'i tried to sign in twice today',
    'should i try again later',
    'is it the jacket or the boots',
    'i ordered it today',
    'i want to try a different card',
    'email or phone is fine',
  ],
};

/** Openers customers put before their request. */
const OPENERS = ['hi', 'hello', 'please', 'i need help', 'excuse me', 'good morning', 'hey', 'yes'] as const;
const PRODUCTS = ['jacket', 'rain jacket', 'tent', 'backpack', 'sleeping bag', 'hiking boots', 'boots', 'gloves', 'fleece'] as const;
const ORDER_VERBS = [
  'where is my {p}',
  'i want to return my {p}',
  'my {p} has not arrived',
  'i want to exchange the {p} for a different size',
  'can i get a refund for the {p}',
  'the {p} i ordered is damaged',
] as const;
const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** A deterministic pseudo-random sequence (mulberry32), so the corpus is the same on every build. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The corpus: handwritten sentences, openers before some of them, product and order-number variants. */
export function buildCorpus(): string[] {
  const out: string[] = [];
  const random = rng(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  for (const sentences of Object.values(HANDWRITTEN)) {
    for (const sentence of sentences) {
      out.push(sentence);
      if (random() < 0.35) out.push(`${pick(OPENERS)} ${sentence}`);
    }
  }
  for (const template of ORDER_VERBS) {
    for (const product of PRODUCTS) out.push(template.replace('{p}', product));
  }
  for (let i = 0; i < 12; i++) {
    const digits = Array.from({ length: 6 }, () => pick(DIGIT_WORDS)).join(' ');
    out.push(i % 2 === 0 ? `my order number is ${digits}` : `the order number is ${digits}`);
  }
  return out;
}
