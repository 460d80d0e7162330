import { describe, expect, it } from 'vitest';
import { risesThroughout, slope, theilSen } from './stats.js';

const series = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('risesThroughout (the soak\'s leak test)', () => {
  it('flags a steady climb, also under sawtooth noise', () => {
    expect(risesThroughout(series(96, (i) => 150 + i * 0.25))).toBe(true);
    expect(risesThroughout(series(96, (i) => 150 + i * 0.25 + (i % 6) * 2))).toBe(true);
  });

  it('does not flag a flat series, one step up or down, or a step up followed by a plateau', () => {
    expect(risesThroughout(series(96, () => 150))).toBe(false);
    expect(risesThroughout(series(96, (i) => (i < 50 ? 150 : 172)))).toBe(false);
    expect(risesThroughout(series(96, (i) => (i < 30 ? 180 : 150)))).toBe(false);
    expect(risesThroughout(series(96, (i) => 150 + Math.min(i, 20)))).toBe(false);
  });

  it('needs enough samples to say anything', () => {
    expect(risesThroughout([1, 2, 3, 4, 5, 6, 7])).toBe(false);
  });
});

describe('slope', () => {
  it('is the least-squares slope', () => {
    expect(slope(series(10, (i) => ({ x: i, y: 3 * i + 1 })))).toBeCloseTo(3);
    expect(slope(series(10, (i) => ({ x: i, y: 7 })))).toBe(0);
  });
});

describe('theilSen', () => {
  it('follows a line and ignores one step', () => {
    expect(theilSen(series(20, (i) => ({ x: i, y: 2 * i })))).toBeCloseTo(2);
    // a flat series with a 20 MB step near its start: least squares sees a climb, Theil–Sen a level
    const stepped = series(40, (i) => ({ x: i, y: i < 3 ? 150 : 170 }));
    expect(slope(stepped)).toBeGreaterThan(0.15);
    expect(theilSen(stepped)).toBe(0);
  });
});
