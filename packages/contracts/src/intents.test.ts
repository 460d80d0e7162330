import { describe, expect, it } from 'vitest';
import { categoryOf, CATEGORIES, Intent, INTENT_CATEGORIES, INTENTS } from './intents.js';

const EXPECTED: Record<string, string[]> = {
  ACCOUNT: ['create_account', 'delete_account', 'edit_account', 'recover_password', 'registration_problems', 'switch_account'],
  CANCELLATION_FEE: ['check_cancellation_fee'],
  CONTACT: ['contact_customer_service', 'contact_human_agent'],
  DELIVERY: ['delivery_options', 'delivery_period'],
  FEEDBACK: ['complaint', 'review'],
  INVOICE: ['check_invoice', 'get_invoice'],
  ORDER: ['cancel_order', 'change_order', 'place_order', 'track_order'],
  PAYMENT: ['check_payment_methods', 'payment_issue'],
  REFUND: ['check_refund_policy', 'get_refund', 'track_refund'],
  SHIPPING_ADDRESS: ['change_shipping_address', 'set_up_shipping_address'],
  SUBSCRIPTION: ['newsletter_subscription'],
  OTHER: ['other'],
};

describe('intents', () => {
  it('has 27 support intents plus other', () => {
    expect(INTENTS).toHaveLength(28);
    expect(new Set(INTENTS).size).toBe(28);
    expect(INTENTS.filter((i) => i !== 'other')).toHaveLength(27);
  });

  it.each(Object.entries(EXPECTED).flatMap(([cat, intents]) => intents.map((i) => [i, cat] as const)))(
    'maps %s to %s',
    (intent, category) => {
      expect(categoryOf(Intent.parse(intent))).toBe(category);
    },
  );

  it('maps every intent to a known category and uses every category', () => {
    expect(Object.keys(INTENT_CATEGORIES).sort()).toEqual([...INTENTS].sort());
    expect(new Set(Object.values(INTENT_CATEGORIES))).toEqual(new Set(CATEGORIES));
  });

  it('rejects an unknown intent', () => {
    expect(Intent.safeParse('order_pizza').success).toBe(false);
  });
});
