import { z } from 'zod';

/** Path/version prefix of every public and service-to-service API. */
export const API_VERSION = 'v1';

/** Longest customer message (chars) accepted anywhere a customer types. */
export const MAX_MESSAGE_CHARS = 4000;
/** Longest internal text (drafted replies, passages, redacted text, which can grow slightly). */
export const MAX_TEXT_CHARS = 8000;

/** Identifier used in URLs and keys: 1..128 chars of `[A-Za-z0-9_-]` (UUIDs fit). */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1..128 chars of [A-Za-z0-9_-]');
export type Id = z.infer<typeof Id>;

/**
 * Reference to a document or key made by another system (passage ids, idempotency keys):
 * 1..256 printable ASCII chars without spaces.
 */
export const RefId = z.string().regex(/^[\x21-\x7E]{1,256}$/, 'must be 1..256 printable ASCII chars without spaces');
export type RefId = z.infer<typeof RefId>;

/** ISO 8601 date-time with offset, e.g. `2025-01-01T00:00:00.000Z`. */
export const IsoDateTime = z.iso.datetime({ offset: true });
export type IsoDateTime = z.infer<typeof IsoDateTime>;

/** Customer-typed text: 1..4000 chars, not only whitespace. */
export const MessageText = z
  .string()
  .max(MAX_MESSAGE_CHARS)
  .refine((s) => s.trim().length > 0, 'must not be empty');
export type MessageText = z.infer<typeof MessageText>;

/** Internal text (may be empty, e.g. a fully redacted draft), at most 8000 chars. */
export const Text = z.string().max(MAX_TEXT_CHARS);
export type Text = z.infer<typeof Text>;

export const NonNegativeInt = z.number().int().nonnegative();
export const NonNegative = z.number().nonnegative().finite();
