import type { GroundedAnswer } from './answer.js';
import { stem, terms, words } from './text.js';

/** What JSON mode knows about the conversation when it fills a schema. */
export interface JsonContext {
  /** The last user message (passage blocks removed). */
  userText: string;
  /** The grounded answer for the same prompt. */
  answer: GroundedAnswer;
}

type Schema = Record<string, unknown>;

const MAX_DEPTH = 12;

/**
 * A few everyday phrasings mapped to words used in intent names, so enum matching works on real
 * customer language ("where is my package" → track/order/delivery).
 */
const SYNONYM_WORDS: Record<string, string[]> = {
  package: ['order', 'delivery', 'track'],
  parcel: ['order', 'delivery', 'track'],
  arrive: ['delivery', 'period', 'track'],
  ship: ['delivery', 'shipping'],
  shipping: ['delivery'],
  deliver: ['delivery'],
  money: ['refund'],
  reimburse: ['refund'],
  back: ['refund'],
  bill: ['invoice'],
  receipt: ['invoice'],
  charge: ['payment', 'fee'],
  card: ['payment'],
  pay: ['payment'],
  paid: ['payment'],
  password: ['recover', 'account'],
  login: ['account', 'recover'],
  log: ['account'],
  sign: ['registration'],
  register: ['registration'],
  signup: ['registration', 'create', 'account'],
  fail: ['problem', 'issue'],
  error: ['problem', 'issue'],
  cannot: ['problem'],
  broken: ['problem', 'issue'],
  profile: ['edit', 'account'],
  long: ['period'],
  time: ['period'],
  soon: ['period'],
  see: ['check'],
  view: ['check'],
  look: ['check'],
  send: ['get'],
  status: ['track'],
  method: ['payment'],
  unsubscribe: ['newsletter', 'subscription'],
  newsletter: ['subscription'],
  email: ['newsletter'],
  human: ['contact', 'agent'],
  person: ['contact', 'human', 'agent'],
  representative: ['contact', 'human', 'agent'],
  agent: ['human', 'contact'],
  speak: ['contact'],
  talk: ['contact'],
  call: ['contact'],
  support: ['customer', 'service', 'contact'],
  unhappy: ['complaint'],
  terrible: ['complaint'],
  awful: ['complaint'],
  complain: ['complaint'],
  angry: ['complaint'],
  feedback: ['review'],
  rate: ['review'],
  buy: ['place', 'order'],
  purchase: ['place', 'order'],
  cancel: ['cancel', 'cancellation'],
  modify: ['change', 'edit'],
  update: ['change', 'edit'],
  address: ['shipping', 'address'],
  remove: ['delete'],
  close: ['delete'],
  switch: ['switch'],
};

const POSITIVE = new Set(['great', 'thank', 'thanks', 'love', 'excellent', 'awesome', 'happy', 'good', 'perfect', 'amazing', 'wonderful', 'appreciate', 'helpful', 'nice']);
const NEGATIVE = new Set(['angry', 'terrible', 'awful', 'bad', 'worst', 'hate', 'unacceptable', 'broken', 'useless', 'ridiculous', 'furious', 'disappointed', 'upset', 'horrible', 'never', 'scam', 'wrong', 'complaint', 'annoyed', 'frustrated']);

const SYNONYMS = new Map<string, string[]>(
  Object.entries(SYNONYM_WORDS).map(([word, related]) => [stem(word), related.map(stem)]),
);

function sentimentScore(text: string): number {
  let score = 0;
  for (const w of words(text)) {
    if (POSITIVE.has(w)) score += 1;
    else if (NEGATIVE.has(w)) score -= 1;
  }
  return Math.max(-1, Math.min(1, score / 3));
}

const SYNONYM_WEIGHT = 0.6;

/** Content terms of `text` with weights: 1 for the words themselves, 0.6 for related words. */
function expandedTerms(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of terms(text)) {
    out.set(t, 1);
    for (const s of SYNONYMS.get(t) ?? []) if (!out.has(s)) out.set(s, SYNONYM_WEIGHT);
  }
  return out;
}

/** Picks the enum value whose words overlap most with `text` (synonyms count less); `null` when nothing overlaps. */
export function bestEnumMatch(values: readonly string[], text: string): { value: string; overlap: number } | null {
  const userTerms = expandedTerms(text);
  let best: { value: string; overlap: number; fraction: number } | null = null;
  for (const value of values) {
    // Enum words keep stopwords like "get" (get_refund); "other" is the fallback, never a match.
    const valueTerms = [...new Set(words(value.replace(/[_-]+/g, ' ')).filter((w) => w !== 'other').map(stem))];
    if (valueTerms.length === 0) continue;
    let overlap = 0;
    for (const t of valueTerms) overlap += userTerms.get(t) ?? 0;
    if (overlap === 0) continue;
    const fraction = overlap / valueTerms.length;
    if (!best || overlap > best.overlap + 1e-9 || (Math.abs(overlap - best.overlap) < 1e-9 && fraction > best.fraction)) {
      best = { value, overlap, fraction };
    }
  }
  return best ? { value: best.value, overlap: best.overlap } : null;
}

/** Enum properties whose value is chosen by word overlap with the user text; other enums take their first value. */
const MATCHED_ENUM_KEY = /^$|intent|category|topic|class|reason|type/i;

function pickEnum(key: string, values: readonly unknown[], ctx: JsonContext): unknown {
  const strings = values.filter((v): v is string => typeof v === 'string');
  if (strings.length === 0) return values[0];
  if (strings.includes('positive') && strings.includes('negative')) {
    const s = sentimentScore(ctx.userText);
    const label = s > 0.1 ? 'positive' : s < -0.1 ? 'negative' : 'neutral';
    if (strings.includes(label)) return label;
  }
  if (!MATCHED_ENUM_KEY.test(key)) return values[0];
  const match = bestEnumMatch(strings, ctx.userText);
  if (match) return match.value;
  if (strings.includes('other')) return 'other';
  return values[0];
}

function resolveRef(ref: string, root: Schema): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? (node as Schema) : undefined;
}

function asSchema(value: unknown): Schema | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : undefined;
}

function stringFor(key: string, schema: Schema, ctx: JsonContext): string {
  const format = schema['format'];
  let value: string;
  if (format === 'email') value = 'customer@example.com';
  else if (format === 'date-time') value = '2024-01-01T00:00:00.000Z';
  else if (format === 'date') value = '2024-01-01';
  else if (format === 'uri' || format === 'url') value = 'https://example.com/';
  else if (format === 'uuid') value = '00000000-0000-4000-8000-000000000000';
  else if (/reply|answer|response|message|text|content|summary|draft/i.test(key)) value = ctx.answer.text;
  else if (/reason|explanation|rationale/i.test(key)) value = 'Determined from the customer message.';
  else if (/language|lang/i.test(key)) value = 'en';
  else value = key ? `example ${key}` : 'example';
  const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
  while (value.length < min) value += ' example';
  if (value.length > max) value = value.slice(0, max);
  return value;
}

function numberFor(key: string, schema: Schema, ctx: JsonContext, integer: boolean): number {
  const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : undefined;
  const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : undefined;
  let value: number;
  if (/confidence|probability/i.test(key)) {
    value = ctx.answer.citations.length > 0 ? 0.9 : 0.75;
  } else if (/sentiment|score/i.test(key) && (min === undefined || min < 0)) {
    value = sentimentScore(ctx.userText);
  } else {
    value = min ?? 0;
  }
  if (min !== undefined && value < min) value = min;
  if (max !== undefined && value > max) value = max;
  return integer ? Math.round(value) : value;
}

function valueFor(key: string, input: Schema, root: Schema, ctx: JsonContext, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  let schema = input;
  if (typeof schema['$ref'] === 'string') schema = resolveRef(schema['$ref'], root) ?? {};
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return pickEnum(key, schema['enum'], ctx);
  for (const combiner of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[combiner];
    if (Array.isArray(options) && options.length > 0) {
      const usable = options.map(asSchema).filter((s): s is Schema => !!s && s['type'] !== 'null');
      const first = usable[0] ?? asSchema(options[0]) ?? {};
      return valueFor(key, first, root, ctx, depth + 1);
    }
  }
  let type = schema['type'];
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  if (type === undefined) type = schema['properties'] ? 'object' : schema['items'] ? 'array' : 'string';
  switch (type) {
    case 'object':
      return objectFor(schema, root, ctx, depth);
    case 'array': {
      const items = asSchema(schema['items']) ?? {};
      if (/citation|source|passage/i.test(key) && ctx.answer.citations.length > 0) {
        const itemType = items['type'];
        if (itemType === 'string' || itemType === undefined) return [...ctx.answer.citations];
      }
      const count = typeof schema['minItems'] === 'number' ? Math.min(schema['minItems'], 16) : 0;
      return Array.from({ length: count }, () => valueFor(key, items, root, ctx, depth + 1));
    }
    case 'string':
      return stringFor(key, schema, ctx);
    case 'number':
      return numberFor(key, schema, ctx, false);
    case 'integer':
      return numberFor(key, schema, ctx, true);
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function objectFor(schema: Schema, root: Schema, ctx: JsonContext, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = asSchema(schema['properties']) ?? {};
  const required = Array.isArray(schema['required']) ? schema['required'].filter((r): r is string => typeof r === 'string') : [];
  for (const [name, prop] of Object.entries(properties)) {
    out[name] = valueFor(name, asSchema(prop) ?? {}, root, ctx, depth + 1);
  }
  for (const name of required) if (!(name in out)) out[name] = stringFor(name, {}, ctx);
  return out;
}

/** A value that satisfies `schema`'s required properties, types, enums and simple bounds. */
export function jsonForSchema(schema: unknown, ctx: JsonContext): unknown {
  const root = asSchema(schema) ?? {};
  return valueFor('', root, root, ctx, 0);
}

/** `response_format: {type: 'json_object'}` output: the grounded answer as JSON. */
export function jsonObjectAnswer(ctx: JsonContext): Record<string, unknown> {
  return { answer: ctx.answer.text, citations: ctx.answer.citations };
}
