import { z } from 'zod';
import { groundedAnswer, type GroundedAnswer } from './answer.js';
import { jsonForSchema, jsonObjectAnswer, type JsonContext } from './json-mode.js';
import { parsePassages, stripPassages, type ParsedPassage } from './passages.js';
import { fnv1a } from './text.js';
import { estimateTokens, truncateToTokens } from './tokens.js';

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const Message = z.looseObject({
  role: z.string().min(1),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
});

const ResponseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({ name: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional() }),
  }),
]);

/** The chat-completions request fields the emulator reads (everything else is accepted and ignored). */
export const ChatRequestSchema = z.looseObject({
  model: z.string().min(1).optional(),
  messages: z.array(Message).min(1),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  response_format: ResponseFormat.nullish(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export interface Completion {
  content: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Passage ids cited by the answer. */
  citations: string[];
}

type MessageT = z.infer<typeof Message>;

function messageText(m: MessageT): string {
  const c = m.content;
  if (typeof c === 'string') return c;
  if (!c) return '';
  let out = '';
  for (const part of c) if (typeof part.text === 'string') out += (out ? '\n' : '') + part.text;
  return out;
}

const CACHE_MIN_TOKENS = 1024;
const CACHE_BLOCK = 128;
const CACHE_ENTRIES = 2048;

/**
 * Builds deterministic completions. Keeps a small memory of prompt prefixes to report
 * `prompt_tokens_details.cached_tokens` like OpenAI's prompt caching (prefixes ≥ 1024 tokens, 128-token blocks).
 */
export class CompletionEngine {
  private readonly seenPrefixes = new Map<number, true>();

  complete(req: ChatRequest): Completion {
    const texts = req.messages.map(messageText);
    let passages: ParsedPassage[] = [];
    const ids = new Set<string>();
    let promptChars = 0;
    let lastUser = '';
    req.messages.forEach((m, i) => {
      const text = texts[i] ?? '';
      promptChars += text.length;
      if (m.role === 'assistant') return;
      for (const p of parsePassages(text, passages.length)) {
        if (ids.has(p.id)) continue;
        ids.add(p.id);
        passages.push(p);
      }
      if (m.role === 'user') lastUser = text;
    });
    passages = passages.map((p, order) => ({ ...p, order }));
    const userText = stripPassages(lastUser);
    let answer: GroundedAnswer | undefined;
    const ctx: JsonContext = {
      userText,
      get answer(): GroundedAnswer {
        answer ??= groundedAnswer(userText, passages);
        return answer;
      },
    };

    let content: string;
    const format = req.response_format;
    if (format?.type === 'json_schema') content = JSON.stringify(jsonForSchema(format.json_schema.schema ?? { type: 'object' }, ctx));
    else if (format?.type === 'json_object') content = JSON.stringify(jsonObjectAnswer(ctx));
    else content = ctx.answer.text;

    let finishReason: Completion['finishReason'] = 'stop';
    const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? undefined;
    if (maxTokens !== undefined && estimateTokens(content) > maxTokens) {
      content = truncateToTokens(content, maxTokens);
      finishReason = 'length';
    }

    const promptTokens = Math.max(1, Math.ceil(promptChars / 4));
    return {
      content,
      finishReason,
      promptTokens,
      completionTokens: estimateTokens(content),
      cachedTokens: this.cachedTokens(texts, promptTokens),
      citations: answer?.citations ?? [],
    };
  }

  private cachedTokens(texts: string[], promptTokens: number): number {
    if (texts.length < 2) return 0;
    const prefix = texts.slice(0, -1).join('\u0000');
    const prefixTokens = Math.ceil(prefix.length / 4);
    if (prefixTokens < CACHE_MIN_TOKENS) return 0;
    const key = fnv1a(prefix) ^ prefix.length;
    const hit = this.seenPrefixes.has(key);
    if (!hit) {
      if (this.seenPrefixes.size >= CACHE_ENTRIES) {
        const oldest = this.seenPrefixes.keys().next().value;
        if (oldest !== undefined) this.seenPrefixes.delete(oldest);
      }
      this.seenPrefixes.set(key, true);
      return 0;
    }
    return Math.min(promptTokens, Math.floor(prefixTokens / CACHE_BLOCK) * CACHE_BLOCK);
  }
}
