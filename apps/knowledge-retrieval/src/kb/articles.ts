import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeBaseError } from './knowledge-base-error.js';

/** A help-center article: frontmatter (`id`, `title`, `intents`, `url`) and its paragraphs. */
export interface Article {
  id: string;
  title: string;
  intents: string[];
  url: string;
  paragraphs: string[];
}

/** One retrievable unit: a paragraph of an article, id `art-14#p2` (1-based). */
export interface KbPassage {
  id: string;
  articleId: string;
  title: string;
  text: string;
  url: string;
  intents: readonly string[];
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;
const ARTICLE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

function unquote(value: string): string {
  const v = value.trim();
  if (v.startsWith('"') && v.endsWith('"')) return JSON.parse(v) as string;
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

/**
 * Parses one markdown article. Frontmatter is a flat `key: value` block (lists as `[a, b]`); the body's
 * paragraphs are separated by blank lines, headings (`#`) are skipped.
 */
export function parseArticle(markdown: string, source = 'article'): Article {
  const m = FRONTMATTER.exec(markdown);
  if (!m) throw new KnowledgeBaseError(`${source}: missing frontmatter`);
  const fields: Record<string, string> = {};
  for (const line of (m[1] ?? '').split(/\r?\n/)) {
    if (!line.trim()) continue;
    const idx = line.indexOf(':');
    if (idx <= 0) throw new KnowledgeBaseError(`${source}: bad frontmatter line "${line}"`);
    fields[line.slice(0, idx).trim()] = line.slice(idx + 1).trim();
  }
  const id = unquote(fields['id'] ?? '');
  const title = unquote(fields['title'] ?? '');
  const url = unquote(fields['url'] ?? '');
  const intentsRaw = (fields['intents'] ?? '').trim();
  if (!ARTICLE_ID.test(id)) throw new KnowledgeBaseError(`${source}: invalid id "${id}"`);
  if (!title) throw new KnowledgeBaseError(`${source}: missing title`);
  if (!intentsRaw.startsWith('[') || !intentsRaw.endsWith(']')) throw new KnowledgeBaseError(`${source}: intents must be a [list]`);
  const intents = intentsRaw
    .slice(1, -1)
    .split(',')
    .map((s) => unquote(s))
    .filter(Boolean);
  const paragraphs = (m[2] ?? '')
    .split(/\r?\n\s*\r?\n/)
    .map((p) =>
      p
        .split(/\r?\n/)
        .filter((line) => !line.trimStart().startsWith('#'))
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
  if (paragraphs.length === 0) throw new KnowledgeBaseError(`${source}: article has no text`);
  return { id, title, intents, url, paragraphs };
}

/**
 * The bundled help center (data/articles): `../../data/` from `src/kb/` and `dist/kb/`,
 * `./data/` beside an esbuild bundle (infra/scripts/bundle.mjs copies it there).
 */
export const DEFAULT_ARTICLES_DIR = [
  fileURLToPath(new URL('../../data/articles/', import.meta.url)),
  fileURLToPath(new URL('./data/articles/', import.meta.url)),
].find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('../../data/articles/', import.meta.url));

/** Loads every `*.md` article in `dir`, sorted by file name; ids must be unique. */
export function loadArticles(dir: string = DEFAULT_ARTICLES_DIR): Article[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  } catch (cause) {
    throw new KnowledgeBaseError(`cannot read the articles folder ${dir}`, { cause });
  }
  if (files.length === 0) throw new KnowledgeBaseError(`no articles in ${dir}`);
  const seen = new Set<string>();
  return files.map((file) => {
    const article = parseArticle(readFileSync(join(dir, file), 'utf8'), file);
    if (seen.has(article.id)) throw new KnowledgeBaseError(`${file}: duplicate article id ${article.id}`);
    seen.add(article.id);
    return article;
  });
}

/** Paragraph-level passages of the articles, ids `<article id>#p<n>`. */
export function toPassages(articles: readonly Article[]): KbPassage[] {
  return articles.flatMap((a) =>
    a.paragraphs.map((text, i) => ({ id: `${a.id}#p${i + 1}`, articleId: a.id, title: a.title, text, url: a.url, intents: a.intents })),
  );
}
