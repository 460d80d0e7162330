import { describe, expect, it } from 'vitest';
import { lineChart, niceStep } from './svg.js';

describe('SVG charts', () => {
  it('picks round tick steps', () => {
    expect([niceStep(10), niceStep(97), niceStep(0.3), niceStep(2400)]).toEqual([2, 20, 0.1, 500]);
  });

  it('draws one polyline per series, scaled into the plot area', () => {
    const svg = lineChart({ title: 'T', yLabel: 'ms', series: [{ name: 'a', points: [[0, 0], [10, 100]] }, { name: 'b', points: [[0, 50]] }] });
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    const pts = /points="([^"]+)"/.exec(svg)?.[1]?.split(' ').map((p) => p.split(',').map(Number));
    expect(pts?.[0]).toEqual([56, 206]);
    expect(pts?.[1]).toEqual([744, 40]);
  });

  it('renders a placeholder instead of an empty plot', () => {
    expect(lineChart({ title: 'Nothing', yLabel: 'x', series: [] })).toContain('no data');
  });
});
