import { AsyncLocalStorage } from 'node:async_hooks';

/** Header carrying the correlation id between services and back to clients. */
export const CORRELATION_HEADER = 'x-correlation-id';

interface RequestContext {
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The correlation id of the request being handled, if any. */
export function getCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Runs `fn` (and everything it awaits) with `id` as the current correlation id. */
export function runWithCorrelationId<T>(id: string, fn: () => T): T {
  return storage.run({ correlationId: id }, fn);
}

const VALID_ID = /^[\x21-\x7E]{1,128}$/;

/** 1..128 printable ASCII chars without spaces or control characters. */
export function isValidCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && VALID_ID.test(value);
}
