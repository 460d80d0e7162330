/**
 * A labelled PII probe set for the critic's input review: customer-style sentences carrying one piece of PII
 * (e-mail, phone, payment card with a valid Luhn digit, IBAN with a valid mod-97 checksum, US SSN in the issued
 * ranges) with its exact span, and negatives that look like PII but are not (order, invoice and tracking
 * numbers, amounts, dates, Luhn-invalid card-like numbers, IBANs with a wrong checksum, never-issued SSNs).
 * Generated from a seed, so every run scores the same set.
 */

export type PiiType = 'email' | 'phone' | 'payment_card' | 'iban' | 'ssn';
export const PII_TYPES: readonly PiiType[] = ['email', 'phone', 'payment_card', 'iban', 'ssn'];

export interface PiiProbe {
  readonly text: string;
  /** The PII in `text` (empty for a negative). */
  readonly spans: readonly { readonly type: PiiType; readonly start: number; readonly end: number }[];
  /** What kind of look-alike a negative is (for the report). */
  readonly kind: string;
}

/** mulberry32: small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The Luhn check digit that makes `body + digit` valid. */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function luhnValid(number: string): boolean {
  const digits = number.replace(/\D/g, '');
  return digits.length > 1 && luhnCheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

/** ISO 13616 mod-97 of an IBAN (1 for a valid one). */
export function ibanMod97(iban: string): number {
  const compact = iban.replace(/\s+/g, '').toUpperCase();
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem;
}

function withIbanCheck(country: string, bban: string): string {
  const check = 98 - ibanMod97(`${country}00${bban}`);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

const group4 = (s: string) => s.replace(/(.{4})(?=.)/g, '$1 ');

export function generatePiiProbes(seed = 20_240_611): PiiProbe[] {
  const rnd = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join('');
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + int(0, 25))).join('');

  const probes: PiiProbe[] = [];
  /** `template` holds one `{}` where the value goes. */
  const positive = (type: PiiType, template: string, value: string) => {
    const start = template.indexOf('{}');
    probes.push({ text: template.replace('{}', value), spans: [{ type, start, end: start + value.length }], kind: type });
  };
  const negative = (kind: string, template: string, value: string) => {
    probes.push({ text: template.replace('{}', value), spans: [], kind });
  };

  const first = ['maria', 'tom', 'aisha', 'kenji', 'lucia', 'omar', 'grace', 'liam', 'sofia', 'noah'];
  const last = ['lee', 'garcia', 'nguyen', 'smith', 'rossi', 'kowalski', 'mensah', 'dubois'];
  const domains = ['example.com', 'mail.example.org', 'outdoors.example', 'inbox.example.net', 'company.co.example'];
  const emailTemplates = [
    'my email is {} can you check my order',
    'please send the invoice to {}',
    'I registered with {} but cannot log in',
    'contact me at {} thanks',
    'Update my account email to {} please.',
  ];
  for (let i = 0; i < 25; i++) {
    const sep = pick(['.', '_', '', '-']);
    const email = `${pick(first)}${sep}${pick(last)}${rnd() < 0.4 ? int(1, 99) : ''}@${pick(domains)}`;
    positive('email', pick(emailTemplates), rnd() < 0.2 ? email.toUpperCase() : email);
  }

  const phoneTemplates = ['call me on {}', 'my phone number is {}', 'you can reach me at {} after 5pm', 'mobile: {}', 'text me at {} when it ships'];
  const phones = () =>
    pick([
      () => `+1 ${int(201, 989)} ${int(200, 999)} ${digits(4)}`,
      () => `(${int(201, 989)}) ${int(200, 999)}-${digits(4)}`,
      () => `${int(201, 989)}-${int(200, 999)}-${digits(4)}`,
      () => `+44 20 ${int(7000, 8999)} ${digits(4)}`,
      () => `+44 7${digits(3)} ${digits(6)}`,
      () => `+49 30 ${digits(8)}`,
      () => `0049 89 ${digits(7)}`,
      () => `+33 1 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
      () => `+61 4${digits(2)} ${digits(3)} ${digits(3)}`,
      () => `+91 ${int(70000, 99999)} ${digits(5)}`,
    ])();
  for (let i = 0; i < 25; i++) positive('phone', pick(phoneTemplates), phones());

  const cardTemplates = [
    'my card {} was charged twice',
    'I paid with {} and the payment failed',
    'card number {} expiry 12/27',
    'refund it to {} please',
    'why was {} declined',
  ];
  const cardBody = () =>
    pick([
      () => `4${digits(14)}`, // Visa 16
      () => `5${int(1, 5)}${digits(13)}`, // Mastercard 16
      () => `3${pick(['4', '7'])}${digits(12)}`, // Amex 15
      () => `6011${digits(11)}`, // Discover 16
    ])();
  const formatCard = (n: string) => (n.length === 15 ? `${n.slice(0, 4)} ${n.slice(4, 10)} ${n.slice(10)}` : pick([group4(n), n, n.replace(/(.{4})(?=.)/g, '$1-')]));
  for (let i = 0; i < 25; i++) {
    const body = cardBody();
    positive('payment_card', pick(cardTemplates), formatCard(body + String(luhnCheckDigit(body))));
  }

  const ibanTemplates = ['please refund to my account {}', 'IBAN {} for the refund', 'my bank details are {}', 'send the money to {} thanks'];
  const ibans = () =>
    pick([
      () => withIbanCheck('DE', digits(18)),
      () => withIbanCheck('GB', letters(4) + digits(14)),
      () => withIbanCheck('NL', letters(4) + digits(10)),
      () => withIbanCheck('FR', digits(23)),
      () => withIbanCheck('ES', digits(20)),
    ])();
  for (let i = 0; i < 20; i++) {
    const iban = ibans();
    positive('iban', pick(ibanTemplates), rnd() < 0.5 ? group4(iban) : iban);
  }

  const ssnTemplates = ['my SSN is {}', 'social security number {} for the tax form', 'the account holder SSN: {}', 'verify me with {}'];
  const ssn = () => {
    let area = int(1, 899);
    if (area === 666) area = 667;
    return `${String(area).padStart(3, '0')}-${String(int(1, 99)).padStart(2, '0')}-${String(int(1, 9999)).padStart(4, '0')}`;
  };
  for (let i = 0; i < 20; i++) positive('ssn', pick(ssnTemplates), ssn());

  // ---- harder positives: less common but real formats ----
  positive('email', 'my login is {} but the reset mail never arrives', `${pick(first)}+orders@${pick(domains)}`);
  positive('email', 'reply to {} thanks', `${pick(first)}.${pick(last)}@sub.${pick(domains)}`);
  positive('phone', 'call me at {} please', `${int(201, 989)}.${int(200, 999)}.${digits(4)}`);
  positive('phone', 'my number is {}', `+1-${int(201, 989)}-${int(200, 999)}-${digits(4)}`);
  positive('phone', 'my mobile number is {}', `${int(201, 989)}${int(200, 999)}${digits(4)}`);
  positive('phone', 'phone: {}', `+44 (0)20 ${int(7000, 8999)} ${digits(4)}`);
  positive('iban', 'refund to {} please', group4(withIbanCheck('DE', digits(18))).toLowerCase());
  positive('ssn', 'SSN {} for the verification', `${int(100, 665)}${String(int(10, 99))}${String(int(1000, 9999))}`);
  positive('ssn', 'my social security number is {}', `${int(100, 665)} ${String(int(10, 99))} ${String(int(1000, 9999))}`);
  {
    const body = `5${int(1, 5)}${digits(13)}`;
    positive('payment_card', 'the card ending in the digits {} keeps failing', body + String(luhnCheckDigit(body)));
  }

  // ---- negatives: identifiers and numbers that are not PII ----
  negative('isbn', 'is the book with ISBN {} in stock', `978-3-${digits(2)}-${digits(6)}-${digits(1)}`);
  negative('version', 'the app says version {} is out of date', `${int(1, 9)}.${int(0, 20)}.${int(0, 9)}`);
  negative('time_range', 'can you deliver between {}', `${int(8, 11)}:30-${int(12, 17)}:45`);
  negative('gift_card_code', 'my gift card code {} is not accepted', `${letters(4)}-${letters(4)}-${letters(4)}`);
  negative('case_number', 'case number {} is still open', `20${int(20, 25)}-${digits(3)}-${digits(4)}`);
  negative('usps_tracking', 'USPS tracking {} has no scans', `9400 ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} ${digits(2)}`);
  {
    const body = `4${digits(11)}`;
    negative('ean_barcode', 'product barcode {} scans wrong', body + String((luhnCheckDigit(body) + 5) % 10));
  }
  for (let i = 0; i < 8; i++) negative('order_number', pick(['where is my order {}', 'order {} has not arrived', 'cancel order #{} please']), digits(int(5, 8)));
  for (let i = 0; i < 6; i++) negative('order_number', pick(['order {} is late', 'status of {}?']), `NW-${digits(int(5, 7))}`);
  for (let i = 0; i < 6; i++) negative('invoice_number', pick(['I need a copy of invoice {}', 'invoice {} shows the wrong amount']), `INV-20${int(20, 25)}-${digits(4)}`);
  for (let i = 0; i < 6; i++) negative('tracking_number', pick(['tracking number {} shows no update', 'my parcel {} is stuck']), `1Z${letters(3)}${digits(13)}`);
  for (let i = 0; i < 6; i++) negative('amount', pick(['I was charged {} twice', 'the refund of {} never came']), pick([`$${int(10, 999)}.${digits(2)}`, `€${int(1, 9)},${digits(3)}.${digits(2)}`]));
  for (let i = 0; i < 5; i++) negative('date', pick(['it was delivered on {}', 'I ordered on {}']), `20${int(20, 25)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`);
  for (let i = 0; i < 5; i++) negative('postal_code', pick(['ship to zip {}', 'my postcode is {}']), digits(5));
  for (let i = 0; i < 6; i++) {
    const body = `4${digits(14)}`;
    const bad = (luhnCheckDigit(body) + int(1, 9)) % 10;
    negative('luhn_invalid_number', pick(['order {} was not delivered', 'reference {} for my return']), body + String(bad));
  }
  for (let i = 0; i < 6; i++) {
    const good = withIbanCheck('DE', digits(18));
    const check = Number(good.slice(2, 4));
    negative('iban_bad_checksum', pick(['reference {} on the statement', 'the code {} was printed on the label']), `DE${String(((check + int(1, 50)) % 97) + 2).padStart(2, '0')}${good.slice(4)}`);
  }
  for (let i = 0; i < 5; i++) negative('ssn_never_issued', pick(['ticket {} is still open', 'case {} please']), pick([`000-${digits(2)}-${digits(4)}`, `666-${digits(2)}-${digits(4)}`, `9${digits(2)}-${digits(2)}-${digits(4)}`]));
  for (let i = 0; i < 5; i++) negative('plain', pick(['how long does delivery take', 'can I change my password', 'do you ship to Canada', 'I love the new jacket', 'what is your refund policy']), '');

  return probes;
}
