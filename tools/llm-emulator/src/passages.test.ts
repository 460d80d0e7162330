import { describe, expect, it } from 'vitest';
import { citationMarker, formatPassages, parsePassages, stripPassages } from './passages.js';

describe('passage format', () => {
  const passages = [
    { id: 'kb-1', title: 'Refund  policy', text: 'Refunds take 5 days.\n\nThey go to the original card.' },
    { id: 'kb 2]', title: 'Shipping', text: 'Standard shipping takes 3 to 5 days.' },
  ];

  it('renders one header line and one text line per passage, blocks separated by a blank line', () => {
    expect(formatPassages(passages)).toBe(
      '[passage:kb-1] Refund policy\nRefunds take 5 days. They go to the original card.\n\n[passage:kb_2_] Shipping\nStandard shipping takes 3 to 5 days.',
    );
  });

  it('parses what it formats, even surrounded by instructions', () => {
    const prompt = `Use only these passages.\n\n${formatPassages(passages)}\n\nCite them as [passage:<id>].`;
    expect(parsePassages(prompt).map(({ id, title, text }) => ({ id, title, text }))).toEqual([
      { id: 'kb-1', title: 'Refund policy', text: 'Refunds take 5 days. They go to the original card.' },
      { id: 'kb_2_', title: 'Shipping', text: 'Standard shipping takes 3 to 5 days.' },
    ]);
  });

  it('ends a block at the next header even without a blank line', () => {
    const parsed = parsePassages('[passage:a] A\nfirst text\n[passage:b] B\nsecond text');
    expect(parsed.map((p) => [p.id, p.text])).toEqual([
      ['a', 'first text'],
      ['b', 'second text'],
    ]);
  });

  it('strips passage blocks and keeps the question', () => {
    const text = `${formatPassages(passages)}\n\nQuestion: how long do refunds take?`;
    expect(stripPassages(text)).toBe('Question: how long do refunds take?');
  });

  it('writes citation markers in the same format', () => {
    expect(citationMarker('kb-1')).toBe('[passage:kb-1]');
  });
});
