import { z } from 'zod';

export const AdminFlags = z.strictObject({
  /** Ask the LLM when the intent model is unsure. */
  llmIntentFallback: z.boolean().default(true),
  semanticCache: z.boolean().default(true),
  /** Run the critic on drafted replies. */
  outputReview: z.boolean().default(true),
});
export type AdminFlags = z.infer<typeof AdminFlags>;

/** Gateway runtime thresholds and flags (`GET`/`PUT /v1/admin/config`). */
export const AdminConfig = z.strictObject({
  escalationConfidenceThreshold: z.number().min(0).max(1).default(0.45),
  negativeSentimentThreshold: z.number().min(-1).max(0).default(-0.6),
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).default(10),
  semanticCacheThreshold: z.number().min(0.5).max(1).default(0.85),
  flags: AdminFlags.default({ llmIntentFallback: true, semanticCache: true, outputReview: true }),
});
export type AdminConfig = z.infer<typeof AdminConfig>;

/** `PATCH /v1/admin/config` body: any subset, flags merged individually. */
export const AdminConfigPatch = z.strictObject({
  escalationConfidenceThreshold: z.number().min(0).max(1).optional(),
  negativeSentimentThreshold: z.number().min(-1).max(0).optional(),
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  semanticCacheThreshold: z.number().min(0.5).max(1).optional(),
  flags: z
    .strictObject({
      llmIntentFallback: z.boolean().optional(),
      semanticCache: z.boolean().optional(),
      outputReview: z.boolean().optional(),
    })
    .optional(),
});
export type AdminConfigPatch = z.infer<typeof AdminConfigPatch>;

/** Defaults, e.g. `AdminConfig.parse({})`. */
export const DEFAULT_ADMIN_CONFIG: AdminConfig = Object.freeze(AdminConfig.parse({})) as AdminConfig;
