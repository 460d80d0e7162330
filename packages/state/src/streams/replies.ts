/**
 * Parsers for raw stream replies from `redis.call(...)`. They accept RESP2 shapes and RESP3 shapes
 * (ioredis 6 speaks RESP3; with `replyMapping: 'legacy'` maps arrive as flat arrays, with 'resp3' as objects).
 */

export interface RawEntry {
  id: string;
  /** Flat field/value list; null for an entry deleted while pending. */
  fields: string[] | null;
}

function str(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString() : String(v);
}

function isKey(v: unknown): boolean {
  return typeof v === 'string' || Buffer.isBuffer(v);
}

export function parseEntries(list: unknown): RawEntry[] {
  if (!Array.isArray(list)) return [];
  const out: RawEntry[] = [];
  for (const item of list) {
    if (!Array.isArray(item) || item.length < 1 || item[0] === null) continue;
    const fields = Array.isArray(item[1]) ? (item[1] as unknown[]).map(str) : null;
    out.push({ id: str(item[0]), fields });
  }
  return out;
}

/** XREADGROUP / XREAD: `[[stream, entries], …]` (RESP2), `[stream, entries, …]` (RESP3 legacy) or `{ stream: entries }`. */
export function parseReadReply(reply: unknown): RawEntry[] {
  if (reply === null || reply === undefined) return [];
  if (!Array.isArray(reply)) {
    return typeof reply === 'object' ? Object.values(reply).flatMap(parseEntries) : [];
  }
  if (reply.length > 0 && isKey(reply[0])) {
    const out: RawEntry[] = [];
    for (let i = 1; i < reply.length; i += 2) out.push(...parseEntries(reply[i]));
    return out;
  }
  return reply.flatMap((pair) => (Array.isArray(pair) ? parseEntries(pair[1]) : []));
}

/** XAUTOCLAIM: `[nextCursor, entries, deletedIds?]`. */
export function parseAutoClaimReply(reply: unknown): { cursor: string; entries: RawEntry[]; deleted: string[] } {
  if (!Array.isArray(reply) || reply.length < 2) return { cursor: '0-0', entries: [], deleted: [] };
  const deleted = Array.isArray(reply[2]) ? (reply[2] as unknown[]).map(str) : [];
  return { cursor: str(reply[0]), entries: parseEntries(reply[1]), deleted };
}

/** XPENDING summary: `[count, minId, maxId, consumers]`. */
export function parsePendingCount(reply: unknown): number {
  return Array.isArray(reply) ? Number(reply[0] ?? 0) : 0;
}

/** XPENDING extended form: `[[id, consumer, idleMs, deliveries], …]` → deliveries of the first row. */
export function parsePendingDeliveries(reply: unknown): number | undefined {
  if (!Array.isArray(reply) || !Array.isArray(reply[0])) return undefined;
  const n = Number((reply[0] as unknown[])[3]);
  return Number.isFinite(n) ? n : undefined;
}

/** XINFO GROUPS: one flat field/value array (or object) per group. */
export function parseInfoGroups(reply: unknown): Record<string, unknown>[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((group) => {
    if (!Array.isArray(group)) return (group ?? {}) as Record<string, unknown>;
    const obj: Record<string, unknown> = {};
    for (let i = 0; i + 1 < group.length; i += 2) {
      const value = group[i + 1] as unknown;
      obj[str(group[i])] = Buffer.isBuffer(value) ? value.toString() : value;
    }
    return obj;
  });
}

export function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
