/**
 * Context cues read from the words just before a number. Identifiers the shop issues (orders, invoices,
 * tracking, tickets…) are not PII even when they look like phone or card numbers.
 */
const ID_CONTEXT =
  /\b(?:order|orders|invoice|inv|tracking|track|shipment|parcel|package|consignment|ref|reference|ticket|case|confirmation|sku|item|article|product|rma|receipt|transaction|po|voucher|coupon|customer|booking|delivery)(?:\s*(?:no|nr|num|number|id|code|#))?\.?\s*(?:is|was|=|:|#)?\s*#?\s*$/i;

const PHONE_CONTEXT =
  /\b(?:phone|telephone|tel|mobile|cell|cellphone|handy|call|calling|ring|text|sms|whats\s?app|fax|reach me|contact number|my number|number)\b[^\d\n]{0,16}$/i;

const SSN_CONTEXT = /\b(?:ssn|social security(?: number| no\.?)?|social sec(?:urity)?\.? ?#?)\b[^\d\n]{0,16}$/i;

const WINDOW = 48;

function before(text: string, start: number): string {
  return text.slice(Math.max(0, start - WINDOW), start);
}

/** True when the words right before `start` name a shop identifier ("order", "invoice no.", "tracking #"). */
export function hasIdContext(text: string, start: number): boolean {
  return ID_CONTEXT.test(before(text, start));
}

/** True when the words right before `start` announce a phone number ("call me on", "mobile:"). */
export function hasPhoneContext(text: string, start: number): boolean {
  return PHONE_CONTEXT.test(before(text, start));
}

/** True when the words right before `start` announce a social security number. */
export function hasSsnContext(text: string, start: number): boolean {
  return SSN_CONTEXT.test(before(text, start));
}
