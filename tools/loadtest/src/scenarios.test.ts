import { describe, expect, it } from 'vitest';
import { arrivalSteps, defaultMaxInFlight, findScenario, phasesOf, scaleScenario, scenarioNames, withDuration, type Scenario } from './scenarios.js';

const get = (name: string): Scenario => {
  const s = findScenario(name);
  if (!s) throw new Error(`missing ${name}`);
  return s;
};

describe('scenarios', () => {
  it("lists the seed's seven scenarios plus capacity and soak", () => {
    expect(scenarioNames()).toEqual(['baseline', 'scale-up', 'scale-down', 'pool-stress', 'circuit-breaker', 'cold-start', 'sustained', 'capacity', 'soak']);
  });

  it.each([
    ['baseline', 60, 5, 0.5],
    ['scale-up', 120, 30, 3.5],
    ['scale-down', 180, 1, 0.1],
    ['pool-stress', 60, 50, 5],
    ['circuit-breaker', 30, 100, 10],
    ['cold-start', 10, 1, 0.1],
    ['sustained', 300, 20, 2],
  ] as const)("keeps the seed's parameters for %s (%i s, %i users, %f rps)", (name, duration, users, rps) => {
    const s = get(name);
    expect([s.durationS, s.users, s.rps]).toEqual([duration, users, rps]);
  });

  it('--scale multiplies users and rates and keeps the per-user rate', () => {
    const s = scaleScenario(get('scale-up'), 100);
    expect(s.users).toBe(3000);
    expect(s.rps).toBeCloseTo(350);
    expect(s.scale).toBe(100);
    expect(s.rps / s.users).toBeCloseTo(3.5 / 30);
    expect(Math.max(...arrivalSteps(s).map((st) => st.rps))).toBeCloseTo(350);
    expect(defaultMaxInFlight(s)).toBe(3500);
  });

  it('rejects a non-positive scale', () => {
    expect(() => scaleScenario(get('baseline'), 0)).toThrow(RangeError);
  });

  it('ramps scale-up in six equal steps up to the peak rate', () => {
    const steps = arrivalSteps(get('scale-up'));
    expect(steps).toHaveLength(6);
    expect(steps[0]).toMatchObject({ startS: 0, endS: 20 });
    expect(steps[0]?.rps).toBeCloseTo(3.5 / 6);
    expect(steps[5]).toMatchObject({ startS: 100, endS: 120, rps: 3.5 });
  });

  it('grows the capacity search geometrically and --duration scales the step length', () => {
    const steps = arrivalSteps(withDuration(get('capacity'), 32));
    expect(steps).toHaveLength(16);
    expect(steps[1]?.rps).toBeCloseTo(3);
    expect(steps[1]).toMatchObject({ startS: 2, endS: 4 });
  });

  it('puts the circuit-breaker outage at 5 s to 20 s of 30 s, proportionally for other durations', () => {
    expect(phasesOf(get('circuit-breaker')).map((p) => [p.name, p.startS, p.endS])).toEqual([
      ['before outage', 0, 5],
      ['outage', 5, 20],
      ['after outage', 20, 30],
    ]);
    const short = phasesOf(withDuration(get('circuit-breaker'), 3));
    expect(short[1]?.startS).toBeCloseTo(0.5);
    expect(short[1]?.endS).toBeCloseTo(2);
  });

  it('uses the default SLOs (p95 < 2 s, errors < 0.1 %) and breaker SLOs for circuit-breaker', () => {
    expect(get('baseline').slos).toEqual(expect.arrayContaining([{ kind: 'latency', percentile: 95, maxMs: 2000 }, { kind: 'error-rate', max: 0.001 }]));
    expect(get('circuit-breaker').slos.map((s) => s.kind)).toEqual(['breaker-opened', 'fail-fast', 'breaker-recovered', 'error-rate']);
  });
});
