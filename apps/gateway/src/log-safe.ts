/** What may be logged about an error: its name, code and status, never its message (may echo upstream bodies or text). */
export function describe(err: unknown): { name?: string; code?: unknown; status?: unknown } {
  if (typeof err !== 'object' || err === null) return {};
  const e = err as { name?: unknown; code?: unknown; status?: unknown };
  return { name: typeof e.name === 'string' ? e.name : undefined, code: e.code, status: e.status };
}
