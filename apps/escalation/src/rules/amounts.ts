const AMOUNT =
  /(?:[$€£]\s?(\d[\d,.\s]*\d|\d))|(?:\b(\d[\d,.]*\d|\d)\s?(?:usd|eur|gbp|dollars?|euros?|pounds?|bucks)\b)/gi;

/**
 * Money amounts named in a message (`$250`, `€1.299,00`, `1,299.50 USD`, `300 euros`). Bare numbers are
 * not amounts (order and invoice numbers are bare numbers).
 */
export function parseAmounts(text: string): number[] {
  const out: number[] = [];
  for (const match of text.matchAll(AMOUNT)) {
    const value = toNumber((match[1] ?? match[2] ?? '').replace(/\s/g, ''));
    if (value !== undefined) out.push(value);
  }
  return out;
}

function toNumber(raw: string): number | undefined {
  if (raw === '') return undefined;
  // The last separator followed by exactly two digits is the decimal mark; every other one groups thousands.
  const decimal = /[.,](\d{2})$/.exec(raw);
  const whole = (decimal ? raw.slice(0, -3) : raw).replace(/[.,]/g, '');
  const value = Number(decimal ? `${whole}.${decimal[1]}` : whole);
  return Number.isFinite(value) ? value : undefined;
}
