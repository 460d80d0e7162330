/**
 * The passage format shared by the emulator and the response generator's RAG prompt.
 *
 * One block per passage, blocks separated by a blank line:
 *
 *   [passage:<id>] <title>
 *   <text on one or more non-blank lines>
 *
 * A block ends at the first blank line or at the next `[passage:` header. `formatPassages` collapses
 * whitespace inside titles and texts so a text never contains a blank line, and strips `]` and whitespace
 * from ids. The blocks may sit in any message (system or user), surrounded by other instructions.
 */
export interface PassageInput {
  id: string;
  title: string;
  text: string;
}

export interface ParsedPassage extends PassageInput {
  /** Order of appearance in the prompt (0-based). */
  order: number;
}

const HEADER = /^\[passage:([^\]\s]+)\][ \t]*(.*)$/;

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Citation marker for a passage id, as the emulator appends it to answers: `[passage:<id>]`. */
export function citationMarker(id: string): string {
  return `[passage:${id}]`;
}

/** Renders passages in the documented block format (see module doc). */
export function formatPassages(passages: readonly PassageInput[]): string {
  return passages
    .map((p) => {
      const id = p.id.replace(/[\]\s]+/g, '_') || '_';
      return `[passage:${id}] ${oneLine(p.title)}\n${oneLine(p.text)}`;
    })
    .join('\n\n');
}

/** Finds every passage block in `text`. Duplicate ids keep their first occurrence. */
export function parsePassages(text: string, startOrder = 0): ParsedPassage[] {
  if (!text.includes('[passage:')) return [];
  const lines = text.split(/\r?\n/);
  const out: ParsedPassage[] = [];
  let current: { id: string; title: string; body: string[] } | undefined;
  const flush = (): void => {
    if (!current) return;
    out.push({ id: current.id, title: current.title, text: oneLine(current.body.join(' ')), order: startOrder + out.length });
    current = undefined;
  };
  for (const line of lines) {
    const m = HEADER.exec(line.trim());
    if (m) {
      flush();
      current = { id: m[1] ?? '', title: oneLine(m[2] ?? ''), body: [] };
    } else if (current) {
      if (line.trim() === '') flush();
      else current.body.push(line);
    }
  }
  flush();
  return out;
}

/** `text` with every passage block removed (what is left is the instruction or question). */
export function stripPassages(text: string): string {
  if (!text.includes('[passage:')) return text;
  const kept: string[] = [];
  let inBlock = false;
  for (const line of text.split(/\r?\n/)) {
    if (HEADER.test(line.trim())) {
      inBlock = true;
      continue;
    }
    if (inBlock) {
      if (line.trim() === '') inBlock = false;
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n').trim();
}
