import type { Citation, Passage } from '@supportmesh/contracts';
import { markerId } from './prompt.js';

/**
 * A citation group as models write them: `[passage:a]`, `[passage: a]`, `[passage:a, passage:b]`, `[passage:a; b]`,
 * plus the whitespace before it (so stripping leaves no gap before the punctuation that follows).
 */
const CITATION_GROUP = /[ \t]*\[\s*passage\s*:([^\]\n]{0,600})\]/gi;
/** Separates several ids inside one group. */
const ID_SEPARATOR = /[\s,;]+/;

/** Said when a reply was nothing but citation markers. */
export const EMPTY_REPLY_FALLBACK = "I'm sorry, I couldn't find an answer to that. Would you like me to connect you with a human agent?";

export interface ParsedReply {
  /** The reply without citation markers, tidied (no double spaces, no space before punctuation). */
  readonly reply: string;
  /** The passages the reply cites, in order of first citation, each once. Ids not among the passages are dropped. */
  readonly citations: Citation[];
}

/**
 * Reads the `[passage:<id>]` markers of an LLM reply into citations of the given passages and strips them from the
 * text. Ids are matched as the prompt rendered them (`markerId`), so a passage whose id needed escaping is still
 * found. Everything else in the reply (PII tokens such as `[EMAIL_1]` included) is kept verbatim.
 */
export function parseCitations(content: string, passages: readonly Passage[]): ParsedReply {
  const byMarker = new Map<string, Passage>();
  for (const p of passages) {
    if (!byMarker.has(p.id)) byMarker.set(p.id, p);
    const escaped = markerId(p.id);
    if (!byMarker.has(escaped)) byMarker.set(escaped, p);
  }
  const cited = new Set<string>();
  const citations: Citation[] = [];
  const stripped = content.replace(CITATION_GROUP, (_match, inner: string) => {
    for (const raw of inner.split(ID_SEPARATOR)) {
      const id = raw.replace(/^passage\s*:/i, '');
      const passage = id === '' ? undefined : byMarker.get(id);
      if (passage && !cited.has(passage.id)) {
        cited.add(passage.id);
        citations.push({ passageId: passage.id, title: passage.title });
      }
    }
    return '';
  });
  const reply = tidy(stripped);
  return { reply: reply === '' ? EMPTY_REPLY_FALLBACK : reply, citations };
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]+([.,;:!?)])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}
