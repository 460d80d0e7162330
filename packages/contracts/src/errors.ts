import { z } from 'zod';

/** The error body every public endpoint answers with. */
export const ErrorEnvelope = z.object({
  error: z.object({
    code: z.string().min(1).max(64),
    message: z.string().max(1000),
    details: z.unknown().optional(),
    correlationId: z.string(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** Builds an {@link ErrorEnvelope}; `details` is omitted when undefined. */
export function errorEnvelope(code: string, message: string, correlationId: string, details?: unknown): ErrorEnvelope {
  return {
    error: details === undefined ? { code, message, correlationId } : { code, message, details, correlationId },
  };
}
