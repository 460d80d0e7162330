/** Deterministic token estimate used everywhere in the emulator: ~4 characters per token, at least 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Cuts `text` to about `maxTokens` tokens (4 characters each), preferring a word boundary. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const limit = Math.max(0, Math.floor(maxTokens)) * 4;
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const space = cut.lastIndexOf(' ');
  return space > limit / 2 ? cut.slice(0, space) : cut;
}
