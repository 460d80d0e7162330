import type { Express } from 'express';

/** The parts of router 2 (Express 5) layers we read to answer 405 with an `Allow` header. */
interface LayerLike {
  match(path: string): { path: string } | false;
  route?: { _methods(): string[] };
  handle?: { stack?: LayerLike[] };
}

const MAX_DEPTH = 8;

function collect(stack: readonly LayerLike[], path: string, into: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const layer of stack) {
    let match: { path: string } | false;
    try {
      match = layer.match(path);
    } catch {
      continue; // e.g. a malformed %-escape in the path
    }
    if (!match) continue;
    if (layer.route) {
      for (const method of layer.route._methods()) into.add(method);
    } else if (Array.isArray(layer.handle?.stack)) {
      collect(layer.handle.stack, path.slice(match.path.length) || '/', into, depth + 1);
    }
  }
}

/**
 * Methods that routes registered on `app` (and on routers mounted with `app.use`) accept for `path`;
 * empty when no route matches the path at all.
 */
export function allowedMethods(app: Express, path: string): string[] {
  const methods = new Set<string>();
  const stack = (app as unknown as { router?: { stack?: LayerLike[] } }).router?.stack ?? [];
  collect(stack, path, methods, 0);
  return [...methods].sort();
}
