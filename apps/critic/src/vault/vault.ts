import type { PiiSpan } from '@supportmesh/pii';

/**
 * Keeps the token → raw value mapping of one conversation server-side, so the LLM only ever sees tokens
 * and the gateway can put the customer's own details back into the reply.
 */
export interface TokenVault {
  /** Replaces `spans` of `text` by tokens, reusing the conversation's tokens for values seen before. */
  tokenize(conversationId: string, text: string, spans: readonly PiiSpan[]): Promise<string>;
  /** The conversation's mapping (token → raw value); empty when unknown or expired. */
  mapping(conversationId: string): Promise<Record<string, string>>;
}
