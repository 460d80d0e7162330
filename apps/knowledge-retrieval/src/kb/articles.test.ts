import { INTENTS } from '@supportmesh/contracts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadArticles, parseArticle, toPassages } from './articles.js';
import { isKnowledgeBaseError } from './knowledge-base-error.js';

const articles = loadArticles();

describe('the Northwind help center', () => {
  it('has at least 45 articles with unique ids and help-center urls', () => {
    expect(articles.length).toBeGreaterThanOrEqual(45);
    expect(new Set(articles.map((a) => a.id)).size).toBe(articles.length);
    for (const a of articles) expect(a.url).toBe(`https://help.northwind.example/articles/${a.id}`);
  });

  it('covers every intent with at least one article and uses only known intents', () => {
    const covered = new Set(articles.flatMap((a) => a.intents));
    for (const intent of INTENTS) expect(covered.has(intent), intent).toBe(true);
    for (const a of articles) for (const i of a.intents) expect(INTENTS as readonly string[]).toContain(i);
  });

  it('states the concrete policies customers ask about', () => {
    const all = articles.flatMap((a) => a.paragraphs).join('\n');
    for (const fact of [
      'within 30 days of delivery',
      '5–7 business days',
      'Standard shipping takes 3–5 business days and costs $4.99',
      'Express shipping takes 1–2 business days and costs $14.99',
      'free on orders over $50',
      'free within 1 hour of placing it',
      'early cancellation fee of $15',
      'valid for 30 minutes',
      'Account › Orders, select the order and choose Download invoice',
      'order number and the email address',
    ]) {
      expect(all, fact).toContain(fact);
    }
  });

  it('splits articles into short paragraph passages with ids like art-14#p2', () => {
    const passages = toPassages(articles);
    expect(passages.length).toBeGreaterThan(articles.length * 2);
    const p = passages.find((x) => x.id === 'art-14#p2');
    expect(p?.title).toBe('Trailhead Club: cancellation and early termination fee');
    expect(p?.text).toMatch(/^You can cancel the membership/);
    for (const x of passages) expect(x.text.length).toBeLessThan(600);
  });
});

describe('parseArticle', () => {
  const valid = '---\nid: art-99\ntitle: "Test: title"\nintents: [track_order, other]\nurl: https://x.example/a\n---\n\n# Test: title\n\nFirst line\ncontinues.\n\nSecond.\n';

  it('reads frontmatter, skips headings and joins wrapped lines', () => {
    expect(parseArticle(valid)).toEqual({
      id: 'art-99',
      title: 'Test: title',
      intents: ['track_order', 'other'],
      url: 'https://x.example/a',
      paragraphs: ['First line continues.', 'Second.'],
    });
  });

  it.each([
    ['no frontmatter', 'just text'],
    ['a bad id', valid.replace('art-99', 'Art 99!')],
    ['intents that are not a list', valid.replace('[track_order, other]', 'track_order')],
    ['no body', valid.split('\n\n# ')[0] ?? ''],
  ])('rejects an article with %s', (_, markdown) => {
    expect(() => parseArticle(markdown, 'x.md')).toThrow(expect.objectContaining({ code: 'KNOWLEDGE_BASE_INVALID' }));
  });
});

describe('loadArticles', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('refuses duplicate ids and empty or missing folders', () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-'));
    const md = '---\nid: art-1\ntitle: A\nintents: [other]\nurl: u\n---\ntext\n';
    writeFileSync(join(dir, 'a.md'), md);
    writeFileSync(join(dir, 'b.md'), md);
    expect(() => loadArticles(dir)).toThrow(/duplicate article id art-1/);
    const caught = (() => {
      try {
        loadArticles(join(dir, 'missing'));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isKnowledgeBaseError(caught)).toBe(true);
  });
});
