import { z } from 'zod';

/** The 27 customer-support intents (Bitext taxonomy) plus `other`. */
export const INTENTS = [
  'create_account',
  'delete_account',
  'edit_account',
  'recover_password',
  'registration_problems',
  'switch_account',
  'check_cancellation_fee',
  'contact_customer_service',
  'contact_human_agent',
  'delivery_options',
  'delivery_period',
  'complaint',
  'review',
  'check_invoice',
  'get_invoice',
  'cancel_order',
  'change_order',
  'place_order',
  'track_order',
  'check_payment_methods',
  'payment_issue',
  'check_refund_policy',
  'get_refund',
  'track_refund',
  'change_shipping_address',
  'set_up_shipping_address',
  'newsletter_subscription',
  'other',
] as const;

export const Intent = z.enum(INTENTS);
export type Intent = z.infer<typeof Intent>;

export const CATEGORIES = [
  'ACCOUNT',
  'CANCELLATION_FEE',
  'CONTACT',
  'DELIVERY',
  'FEEDBACK',
  'INVOICE',
  'ORDER',
  'PAYMENT',
  'REFUND',
  'SHIPPING_ADDRESS',
  'SUBSCRIPTION',
  'OTHER',
] as const;

export const IntentCategory = z.enum(CATEGORIES);
export type IntentCategory = z.infer<typeof IntentCategory>;

/** Intent → category. */
export const INTENT_CATEGORIES: Readonly<Record<Intent, IntentCategory>> = Object.freeze({
  create_account: 'ACCOUNT',
  delete_account: 'ACCOUNT',
  edit_account: 'ACCOUNT',
  recover_password: 'ACCOUNT',
  registration_problems: 'ACCOUNT',
  switch_account: 'ACCOUNT',
  check_cancellation_fee: 'CANCELLATION_FEE',
  contact_customer_service: 'CONTACT',
  contact_human_agent: 'CONTACT',
  delivery_options: 'DELIVERY',
  delivery_period: 'DELIVERY',
  complaint: 'FEEDBACK',
  review: 'FEEDBACK',
  check_invoice: 'INVOICE',
  get_invoice: 'INVOICE',
  cancel_order: 'ORDER',
  change_order: 'ORDER',
  place_order: 'ORDER',
  track_order: 'ORDER',
  check_payment_methods: 'PAYMENT',
  payment_issue: 'PAYMENT',
  check_refund_policy: 'REFUND',
  get_refund: 'REFUND',
  track_refund: 'REFUND',
  change_shipping_address: 'SHIPPING_ADDRESS',
  set_up_shipping_address: 'SHIPPING_ADDRESS',
  newsletter_subscription: 'SUBSCRIPTION',
  other: 'OTHER',
});

export function categoryOf(intent: Intent): IntentCategory {
  return INTENT_CATEGORIES[intent];
}
