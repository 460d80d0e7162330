import { describe, expect, it } from 'vitest';
import { compileFormula } from './formula.js';

describe('scalingModifiers formula', () => {
  it("evaluates infra's schedule formula: demand capped by the active window", () => {
    const f = compileFormula('min(max(inflight / 10, pods * p95 / 1, lag / 100), max(max(max(max(1, window_morning), window_business), window_evening), window_weekend))');
    const base = { inflight: 12, pods: 2, p95: 1.85, lag: 40, window_morning: 1, window_business: 3, window_evening: 1, window_weekend: 1 };
    expect(f.evaluate(base)).toBeCloseTo(3);
    expect(f.evaluate({ ...base, window_business: 1 })).toBe(1);
    expect(f.evaluate({ ...base, p95: 0.4, inflight: 5 })).toBeCloseTo(0.8);
    expect([...f.variables].sort()).toEqual(['inflight', 'lag', 'p95', 'pods', 'window_business', 'window_evening', 'window_morning', 'window_weekend']);
  });

  it('follows the expr precedence for arithmetic, comparison, logic and the ternary', () => {
    const env = { a: 3, b: 4 };
    expect(compileFormula('a + b * 2').evaluate(env)).toBe(11);
    expect(compileFormula('(a + b) * 2').evaluate(env)).toBe(14);
    expect(compileFormula('-2 ** 2').evaluate(env)).toBe(-4);
    expect(compileFormula('2 ** 3 ** 2').evaluate(env)).toBe(512);
    expect(compileFormula('a > 2 && b < 5 ? a + b : 0').evaluate(env)).toBe(7);
    expect(compileFormula('a < 2 ? 1 : b > 3 ? 2 : 3').evaluate(env)).toBe(2);
    expect(compileFormula('not (a == 3) or b != 4 ? 1 : 0').evaluate(env)).toBe(0);
    expect(compileFormula('ceil(a / b) + floor(7 / 2) + abs(-1) + round(2.5) + 7 % 4').evaluate(env)).toBe(1 + 3 + 1 + 3 + 3);
  });

  it('rejects unknown names, unsupported functions, boolean results and syntax errors', () => {
    expect(() => compileFormula('nope + 1').evaluate({})).toThrow(/unknown name "nope"/);
    expect(() => compileFormula('count([a], {# > 1})')).toThrow();
    expect(() => compileFormula('sqrt(a)')).toThrow(/unsupported function sqrt/);
    expect(() => compileFormula('a > 1').evaluate({ a: 2 })).toThrow(/must return a number/);
    expect(() => compileFormula('(a + 1')).toThrow(/expected "\)"/);
  });
});
