/**
 * Regex entity extraction: order numbers (NW-12345, #12345 or a bare 5–8 digit number that is not part of
 * an address), invoice numbers (INV-2024-0042), tracking numbers (UPS 1Z…, 12–22 digit runs), emails and
 * amounts ($49.99, 120 EUR). Earlier patterns win: a span matched once is masked for later patterns.
 */
export type EntityType = 'order_number' | 'invoice_number' | 'email' | 'tracking_number' | 'amount';

export interface ExtractedEntity {
  type: EntityType;
  value: string;
}

interface Rule {
  type: EntityType;
  pattern: RegExp;
  value?: (m: RegExpExecArray) => string | undefined;
}

/** A bare number right after one of these is part of an address, not an order. */
const ADDRESS_CONTEXT =
  /(?:\b(?:zip|postcode|postal code|apt|apartment|unit|suite|street|st|ave|road|rd|lane|box)\.?|(?:,\s*|\b[A-Z][a-z]+\s+)(?!ID\b)[A-Z]{2})\s*(?:code\s*)?[:#]?\s*$/i;

const RULES: readonly Rule[] = [
  { type: 'email', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g },
  {
    type: 'invoice_number',
    pattern: /\bINV[-\s]?(\d{2,4})(?:-(\d{1,8}))?\b/gi,
    value: (m) => (m[2] ? `INV-${m[1]}-${m[2]}` : `INV-${m[1]}`),
  },
  { type: 'tracking_number', pattern: /\b1Z[0-9A-Z]{16}\b/gi, value: (m) => m[0].toUpperCase() },
  { type: 'tracking_number', pattern: /\b\d{12,22}\b/g },
  {
    type: 'amount',
    pattern: /(?:[$€£]\s?\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?|\b\d+(?:[.,]\d{1,2})?\s?(?:USD|EUR|GBP|dollars?|euros?|bucks)\b)/gi,
  },
  { type: 'order_number', pattern: /\bNW-?(\d{4,8})\b/gi, value: (m) => `NW-${m[1]}` },
  { type: 'order_number', pattern: /#(\d{4,8})\b/g, value: (m) => m[1] },
  {
    type: 'order_number',
    pattern: /\b\d{5,8}\b/g,
    value: (m) => (ADDRESS_CONTEXT.test(m.input.slice(Math.max(0, m.index - 20), m.index)) ? undefined : m[0]),
  },
];

export function extractEntities(text: string, max = 100): ExtractedEntity[] {
  let masked = text;
  const found: { start: number; entity: ExtractedEntity }[] = [];
  for (const rule of RULES) {
    const pattern = new RegExp(rule.pattern.source, rule.pattern.flags);
    const hits: RegExpExecArray[] = [];
    for (let m = pattern.exec(masked); m !== null; m = pattern.exec(masked)) hits.push(m);
    for (const m of hits) {
      const value = rule.value ? rule.value(m) : m[0].trim();
      if (!value) continue;
      found.push({ start: m.index, entity: { type: rule.type, value: value.slice(0, 256) } });
      masked = masked.slice(0, m.index) + ' '.repeat(m[0].length) + masked.slice(m.index + m[0].length);
    }
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.start - b.start)
    .map((f) => f.entity)
    .filter((e) => {
      const key = `${e.type}:${e.value.toLowerCase()}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, max);
}
