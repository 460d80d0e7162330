/** Anything that carries HTTP response headers: a fetch `Headers`, axios headers or a plain record. */
export type HeaderSource =
  | { get(name: string): unknown }
  | Readonly<Record<string, unknown>>
  | null
  | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers === null || headers === undefined) return undefined;
  let value: unknown;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    value = (headers as { get(name: string): unknown }).get(name);
  }
  if (value === undefined || value === null) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : (headers as Record<string, unknown>)[key];
  }
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value.trim() : undefined;
}

const NUMBER = /^\d+(\.\d+)?$/;

/**
 * Reads how long the server asked us to wait, in milliseconds: `retry-after-ms` (milliseconds,
 * as sent by Azure OpenAI) wins over `retry-after` (delay in seconds or an HTTP date).
 * Returns undefined when neither is present or parsable; a date in the past gives 0.
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && NUMBER.test(ms)) return Math.ceil(Number(ms));

  const value = header(headers, 'retry-after');
  if (value === undefined || value === '') return undefined;
  if (NUMBER.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
