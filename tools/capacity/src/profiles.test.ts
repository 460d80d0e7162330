import { describe, expect, it } from 'vitest';
import { blackFridayProfile, csvProfile, HOURLY_WEEKDAY, HOURLY_WEEKEND, weekdayRequests, weeklyProfile } from './profiles.js';

const integrate = (rate: (t: number) => number, from: number, to: number, step = 60): number => {
  let sum = 0;
  for (let t = from; t < to; t += step) sum += rate(t + step / 2) * step;
  return sum;
};

describe('weekly profile (10k daily active users, New York)', () => {
  it('has hourly shares that sum to one day', () => {
    expect(HOURLY_WEEKDAY.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    expect(HOURLY_WEEKEND.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
  });

  it('carries 145,200 gateway requests on a weekday, 45 % of that on a Saturday, and peaks near the seed 3.5 rps', () => {
    const p = weeklyProfile();
    expect(weekdayRequests()).toBe(145_200);
    const tuesday = integrate(p.rateAt, 86_400, 2 * 86_400);
    expect(tuesday / 145_200).toBeGreaterThan(0.99);
    expect(tuesday / 145_200).toBeLessThan(1.01);
    const saturday = integrate(p.rateAt, 5 * 86_400, 6 * 86_400);
    expect(saturday / tuesday).toBeCloseTo(0.45, 1);
    let peak = 0;
    for (let t = 0; t < 7 * 86_400; t += 60) peak = Math.max(peak, p.rateAt(t));
    expect(peak).toBeGreaterThan(3.2);
    expect(peak).toBeLessThan(3.5);
    // Nights are low: Tuesday 03:30 local.
    expect(p.rateAt(86_400 + 3.5 * 3600)).toBeLessThan(0.2);
    expect(new Date(p.startEpoch * 1000).toISOString()).toBe('2025-11-17T05:00:00.000Z');
  });

  it('surges Friday tenfold in the Black Friday week', () => {
    const normal = weeklyProfile({ start: { year: 2025, month: 11, day: 24 } });
    const bf = blackFridayProfile();
    const fridayNoon = 4 * 86_400 + 12 * 3600;
    expect(bf.rateAt(fridayNoon) / normal.rateAt(fridayNoon)).toBeCloseTo(10, 6);
    expect(bf.rateAt(86_400 + 12 * 3600)).toBeCloseTo(normal.rateAt(86_400 + 12 * 3600), 9);
  });
});

describe('CSV profile', () => {
  it('reads t,rps rows piecewise-constant with a header and comments, the last rate holding one more interval', () => {
    const p = csvProfile('t,rps\n# ramp\n0,1\n60,5\n120,2\n', 'load.csv');
    expect(p.rateAt(0)).toBe(1);
    expect(p.rateAt(59)).toBe(1);
    expect(p.rateAt(60)).toBe(5);
    expect(p.rateAt(150)).toBe(2);
    expect(p.durationSeconds).toBe(180);
  });

  it('says which line is wrong', () => {
    expect(() => csvProfile('0,1\n60,abc\n', 'x.csv')).toThrow(/x\.csv:2: rps must be a number/);
    expect(() => csvProfile('0,1\n0,2\n', 'x.csv')).toThrow(/x\.csv:2: t must increase/);
    expect(() => csvProfile('# nothing\n', 'x.csv')).toThrow(/no "t,rps" rows/);
  });
});
