/** USD per one million tokens. `cachedInput` is the discounted rate for prompt tokens served from the provider's prompt cache. */
export interface ModelPrice {
  readonly input: number;
  readonly cachedInput: number;
  readonly output: number;
}

/**
 * Standard (pay-as-you-go, global) list prices in USD per 1M tokens, from OpenAI's API pricing page
 * (https://platform.openai.com/docs/pricing) as listed in 2025: gpt-4o and gpt-4o-mini (incl. the 50 % cached-input
 * discount) unchanged since 2024-10, gpt-4.1 family since its 2025-04 release, embeddings since 2024-01. Azure OpenAI
 * Global Standard deployments of the same models list the same prices. Keys are matched as the longest prefix of the model name, so dated
 * snapshots (`gpt-4o-2024-08-06`) resolve to their family. Override per model with `createLlmClient(…, { prices })`.
 */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'gpt-4.1': { input: 2.0, cachedInput: 0.5, output: 8.0 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'text-embedding-3-small': { input: 0.02, cachedInput: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, cachedInput: 0.13, output: 0 },
  'text-embedding-ada-002': { input: 0.1, cachedInput: 0.1, output: 0 },
});

/** Token counts of one call, normalised across providers. */
export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** Prompt tokens billed at the cached-input rate (subset of `promptTokens`). */
  readonly cachedPromptTokens: number;
}

export const ZERO_USAGE: Usage = Object.freeze({ promptTokens: 0, completionTokens: 0, totalTokens: 0, cachedPromptTokens: 0 });

/** The provider's `usage` object (chat completions or embeddings) as an {@link Usage}. */
export function usageFromProvider(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    total_tokens?: unknown;
    prompt_tokens_details?: { cached_tokens?: unknown } | null;
  };
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  const promptTokens = num(u.prompt_tokens);
  const completionTokens = num(u.completion_tokens);
  const totalTokens = num(u.total_tokens) || promptTokens + completionTokens;
  const cachedPromptTokens = Math.min(promptTokens, num(u.prompt_tokens_details?.cached_tokens));
  return { promptTokens, completionTokens, totalTokens, cachedPromptTokens };
}

/** Finds the price of a model by longest matching prefix; undefined for unknown models. */
export function priceFor(model: string, table: Readonly<Record<string, ModelPrice>> = PRICE_TABLE): ModelPrice | undefined {
  const name = model.toLowerCase();
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if ((name === key || name.startsWith(`${key}-`) || name.startsWith(`${key}:`)) && (!best || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/** Cost in USD of one call; 0 for models missing from the table. Rounded to 1e-9 USD. */
export function costUsd(model: string, usage: Usage, table: Readonly<Record<string, ModelPrice>> = PRICE_TABLE): number {
  const price = priceFor(model, table);
  if (!price) return 0;
  const cached = Math.min(usage.cachedPromptTokens, usage.promptTokens);
  const usd =
    ((usage.promptTokens - cached) * price.input + cached * price.cachedInput + usage.completionTokens * price.output) / 1_000_000;
  return Math.round(usd * 1e9) / 1e9;
}
