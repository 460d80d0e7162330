import { citationMarker, type ParsedPassage } from './passages.js';
import { sentences, terms } from './text.js';

export interface GroundedAnswer {
  text: string;
  /** Ids of the passages the answer cites, in order of first use. */
  citations: string[];
}

export const NO_PASSAGES_ANSWER =
  "I'm sorry, I don't have enough information to answer that right now. Would you like me to connect you with a human agent?";
export const NO_MATCH_ANSWER =
  "I'm sorry, I couldn't find an answer to that in our help center articles. Would you like me to connect you with a human agent?";

const K1 = 1.2;
const B = 0.75;
const MAX_SENTENCES = 3;
const MAX_CHARS = 600;

interface Candidate {
  passage: ParsedPassage;
  index: number;
  sentence: string;
  terms: string[];
  score: number;
}

/**
 * Extractive, deterministic answer: scores every passage sentence against the question (BM25 over
 * sentences, stopwords removed, plus a bonus when the passage title matches), keeps the best 1–3 and
 * appends `[passage:<id>]` markers for the passages used.
 */
export function groundedAnswer(question: string, passages: readonly ParsedPassage[]): GroundedAnswer {
  if (passages.length === 0) return { text: NO_PASSAGES_ANSWER, citations: [] };
  const query = [...new Set(terms(question))];
  if (query.length === 0) return { text: NO_MATCH_ANSWER, citations: [] };

  const candidates: Candidate[] = [];
  for (const passage of passages) {
    sentences(passage.text).forEach((sentence, index) => {
      candidates.push({ passage, index, sentence, terms: terms(sentence), score: 0 });
    });
  }
  if (candidates.length === 0) return { text: NO_MATCH_ANSWER, citations: [] };

  const df = new Map<string, number>();
  let totalLen = 0;
  for (const c of candidates) {
    totalLen += c.terms.length;
    for (const t of new Set(c.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const n = candidates.length;
  const avgLen = totalLen / n || 1;
  const idf = (t: string): number => {
    const d = df.get(t) ?? 0;
    return Math.log(1 + (n - d + 0.5) / (d + 0.5));
  };
  const titleBonus = new Map<string, number>();
  for (const p of passages) {
    const titleTerms = new Set(terms(p.title));
    let bonus = 0;
    for (const q of query) if (titleTerms.has(q)) bonus += 0.5 * idf(q);
    titleBonus.set(p.id, bonus);
  }

  for (const c of candidates) {
    const tf = new Map<string, number>();
    for (const t of c.terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    let own = 0;
    for (const q of query) {
      const f = tf.get(q);
      if (!f) continue;
      own += (idf(q) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * c.terms.length) / avgLen));
    }
    c.score = own > 0 ? own + (titleBonus.get(c.passage.id) ?? 0) : 0;
  }

  const ranked = candidates
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || a.passage.order - b.passage.order || a.index - b.index);
  const best = ranked[0];
  if (!best) return { text: NO_MATCH_ANSWER, citations: [] };

  const chosen: Candidate[] = [];
  const seen = new Set<string>();
  let chars = 0;
  for (const c of ranked) {
    if (chosen.length >= MAX_SENTENCES || c.score < best.score * 0.4) break;
    // Sentences from other passages must be nearly as strong as the best one.
    if (c.passage.id !== best.passage.id && c.score < best.score * 0.75) continue;
    const key = c.sentence.toLowerCase();
    if (seen.has(key)) continue;
    if (chosen.length > 0 && chars + c.sentence.length > MAX_CHARS) continue;
    seen.add(key);
    chosen.push(c);
    chars += c.sentence.length + 1;
  }
  chosen.sort((a, b) => a.passage.order - b.passage.order || a.index - b.index);

  const citations: string[] = [];
  for (const c of chosen) if (!citations.includes(c.passage.id)) citations.push(c.passage.id);
  const body = chosen.map((c) => (/[.!?]$/.test(c.sentence) ? c.sentence : `${c.sentence}.`)).join(' ');
  return { text: `${body} ${citations.map(citationMarker).join(' ')}`, citations };
}
