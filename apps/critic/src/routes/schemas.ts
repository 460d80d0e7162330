import { Id, Text } from '@supportmesh/contracts';
import { z } from 'zod';

/** `POST /v1/detokenize` (internal, gateway → critic). Candidates for `@supportmesh/contracts`. */
export const DetokenizeRequest = z.strictObject({
  conversationId: Id,
  text: Text,
});
export type DetokenizeRequest = z.infer<typeof DetokenizeRequest>;

export const DetokenizeResponse = z.object({
  text: Text,
  /** How many tokens were replaced by their values. */
  replaced: z.number().int().nonnegative(),
});
export type DetokenizeResponse = z.infer<typeof DetokenizeResponse>;
