import { categoryOf, type ClassifyResponse, type Intent } from '@supportmesh/contracts';

/** Confidence reported for a keyword guess: low on purpose, so escalation rules treat it as unsure. */
export const FALLBACK_CONFIDENCE = 0.3;

/** Ordered rules: the first whose pattern matches wins. A degraded mode only — the real model is the classifier. */
const RULES: readonly (readonly [RegExp, Intent])[] = [
  [/\b(human|person|real (agent|people)|representative|someone real|talk to (an? )?(agent|staff)|operator)\b/, 'contact_human_agent'],
  [/\b(customer (service|support)|contact (you|support)|phone number|opening hours)\b/, 'contact_customer_service'],
  [/\b(track|where('?s| is) my (order|package|parcel)|order status|hasn'?t arrived|not arrived)\b/, 'track_order'],
  [/\bcancel(l?ation)? fee\b/, 'check_cancellation_fee'],
  [/\bcancel\b.*\border\b|\border\b.*\bcancel/, 'cancel_order'],
  [/\b(change|modify|edit)\b.*\border\b/, 'change_order'],
  [/\b(buy|purchase|place an? order|order (a|some))\b/, 'place_order'],
  [/\brefund\b.*\b(status|track|where)\b|\b(status|track|where)\b.*\brefund\b/, 'track_refund'],
  [/\brefund (policy|rules)\b|\breturn policy\b/, 'check_refund_policy'],
  [/\b(refund|money back|reimburse)/, 'get_refund'],
  [/\binvoice\b.*\b(check|see|wrong|amount)\b|\bcheck\b.*\binvoice\b/, 'check_invoice'],
  [/\b(invoice|receipt|bill)\b/, 'get_invoice'],
  [/\b(payment methods?|pay with|accept (paypal|cards?|visa))\b/, 'check_payment_methods'],
  [/\b(payment|charged|card (was )?declined|pay)\b/, 'payment_issue'],
  [/\b(shipping|delivery) address\b|\baddress\b/, 'change_shipping_address'],
  [/\b(how long|when will).*(deliver|arrive|ship)|\bdelivery (time|period)\b/, 'delivery_period'],
  [/\b(delivery|shipping) (options?|methods?)\b|\bexpress shipping\b|\bdeliver\b|\bshipping\b/, 'delivery_options'],
  [/\b(password|log ?in|sign ?in)\b/, 'recover_password'],
  [/\b(delete|close|remove)\b.*\baccount\b/, 'delete_account'],
  [/\b(switch|change)\b.*\baccount\b/, 'switch_account'],
  [/\b(create|open|new|sign ?up)\b.*\baccount\b|\bregister\b/, 'create_account'],
  [/\baccount\b/, 'edit_account'],
  [/\b(newsletter|unsubscribe|subscribe|mailing list)\b/, 'newsletter_subscription'],
  [/\b(complain|complaint|unacceptable|terrible|awful|disappointed)\b/, 'complaint'],
  [/\b(review|feedback|rate|rating)\b/, 'review'],
];

const NEGATIVE = /\b(angry|furious|terrible|awful|horrible|worst|unacceptable|disappointed|useless|ridiculous|scam)\b/;

/** A keyword guess used only while the intent classifier is unavailable (confidence {@link FALLBACK_CONFIDENCE}). */
export function fallbackClassify(text: string): ClassifyResponse {
  const t = text.toLowerCase();
  const intent = RULES.find(([re]) => re.test(t))?.[1] ?? 'other';
  const negative = NEGATIVE.test(t);
  return {
    intent,
    category: categoryOf(intent),
    confidence: FALLBACK_CONFIDENCE,
    sentiment: negative ? { label: 'negative', score: -0.5 } : { label: 'neutral', score: 0 },
    entities: [],
    source: 'fallback',
  };
}
