import { readFileSync } from 'node:fs';
import type { LabelledExample } from './intent-model.js';

export interface HeldoutExample extends LabelledExample {
  /** Hint for the escalation eval: would a human agent expect a hand-off? */
  escalate?: boolean;
}

/** Reads a JSONL file of `{ text, intent, group?, escalate? }` lines; blank lines are skipped. */
export function loadExamples(path: string | URL): HeldoutExample[] {
  return parseExamples(readFileSync(path, 'utf8'), String(path));
}

export function parseExamples(jsonl: string, source = 'input'): HeldoutExample[] {
  const out: HeldoutExample[] = [];
  jsonl.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const row = JSON.parse(line) as Partial<HeldoutExample>;
    if (typeof row.text !== 'string' || typeof row.intent !== 'string' || !row.text || !row.intent) {
      throw new SyntaxError(`${source}:${i + 1}: expected { "text": string, "intent": string }`);
    }
    const example: HeldoutExample = { text: row.text, intent: row.intent };
    if (typeof row.group === 'string') example.group = row.group;
    if (typeof row.escalate === 'boolean') example.escalate = row.escalate;
    out.push(example);
  });
  return out;
}
