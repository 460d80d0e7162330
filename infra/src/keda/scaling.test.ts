import { describe, expect, it } from 'vitest';
import { CATALOGUE, ENVIRONMENT_CONFIG, SEED_SCHEDULE, type Schedule } from '../catalogue.js';
import { assertScheduleFits, baseCap, cappedWindows, cronFor, scaledObjectSpec, scheduleFormula, windowAt } from './scaling.js';

const WEEK = 7 * 24 * 60;

/** Minutes-of-week (Sunday 00:00 = 0) at which a `m h * * D` cron fires, for the forms cronFor emits. */
function occurrences(cron: string): number[] {
  const [m, h, , , dow] = cron.split(' ');
  const days = dow!.includes('-') ? range(dow!) : [Number(dow)];
  return days.map((d) => d * 1440 + Number(h) * 60 + Number(m));
}
function range(spec: string): number[] {
  const [a, b] = spec.split('-').map(Number);
  return Array.from({ length: b! - a! + 1 }, (_, i) => a! + i);
}
/** Next firing strictly after t, as robfig/cron's Next does. */
function next(cron: string, t: number): number {
  return Math.min(...occurrences(cron).map((o) => ((o - t + WEEK - 1) % WEEK) + 1));
}
/** KEDA's cron scaler: inside the window when the next end comes before the next start. */
function cronActive(start: string, end: string, t: number): boolean {
  return next(end, t) < next(start, t);
}

/** Evaluates a scalingModifiers formula (expr-lang's min/max/arithmetic subset used here). */
function evaluate(formula: string, vars: Record<string, number>): number {
  const names = Object.keys(vars);
  return new Function('min', 'max', ...names, `return ${formula};`)(Math.min, Math.max, ...names.map((n) => vars[n])) as number;
}

describe('schedule translation', () => {
  it('emits cron triggers only for windows above the base cap of 1', () => {
    expect(baseCap(SEED_SCHEDULE)).toBe(1);
    expect(cappedWindows(SEED_SCHEDULE).map((w) => w.name)).toEqual(['morning', 'business', 'evening', 'weekend']);
    expect(cronFor(SEED_SCHEDULE.windows.find((w) => w.name === 'business')!)).toEqual({ start: '0 9 * * 1-5', end: '0 18 * * 1-5' });
    expect(cronFor(SEED_SCHEDULE.windows.find((w) => w.name === 'weekend')!)).toEqual({ start: '0 0 * * 6', end: '0 0 * * 1' });
  });

  it('gives, at every minute of the week, the cap of the seed window that minute belongs to', () => {
    const windows = cappedWindows(SEED_SCHEDULE).map((w) => ({ ...cronFor(w), max: w.max }));
    const mismatches: string[] = [];
    for (let t = 0; t < WEEK; t++) {
      const active = windows.filter((w) => cronActive(w.start, w.end, t));
      // Inactive cron triggers report 1 (or 0), active ones their desiredReplicas.
      const cap = Math.max(baseCap(SEED_SCHEDULE), ...active.map((w) => w.max));
      const expected = windowAt(SEED_SCHEDULE, Math.floor(t / 1440), t % 1440).max;
      if (cap !== expected) mismatches.push(`minute ${t}: ${cap} != ${expected}`);
      expect(active.length).toBeLessThanOrEqual(1);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('caps the external demand by the active window and never goes below it otherwise', () => {
    const formula = scheduleFormula(CATALOGUE.analytics.scaling, SEED_SCHEDULE);
    expect(formula).toBe('min(max(max(inflight / 10, p95 / 1), lag / 100), max(max(max(max(1, window_morning), window_business), window_evening), window_weekend))');
    const quiet = { inflight: 0, p95: 0.2, lag: 0, window_morning: 1, window_business: 1, window_evening: 1, window_weekend: 1 };
    expect(evaluate(formula, quiet)).toBe(0.2);
    const rush = { ...quiet, inflight: 95, lag: 1200 };
    expect(evaluate(formula, rush)).toBe(1); // night / late night: capped at 1
    expect(evaluate(formula, { ...rush, window_business: 3 })).toBe(3);
    expect(evaluate(formula, { ...rush, window_weekend: 2 })).toBe(2);
    expect(evaluate(formula, { ...quiet, inflight: 15, window_business: 3 })).toBe(1.5);
    // p95 is a bounded floor: 2.4 s asks for ceil(2.4) = 3 pods however many already run (no ratchet).
    expect(evaluate(formula, { ...quiet, p95: 2.4, window_business: 3 })).toBeCloseTo(2.4);
  });

  it('refuses schedules it cannot express faithfully', () => {
    const bounds = CATALOGUE['intent-classifier'].replicas.prod;
    const floor: Schedule = { ...SEED_SCHEDULE, windows: SEED_SCHEDULE.windows.map((w) => (w.name === 'business' ? { ...w, min: 2 } : w)) };
    expect(() => assertScheduleFits(floor, bounds, 'x')).toThrow(/minimum 2 exceeds minReplicaCount/);
    const tooHigh: Schedule = { ...SEED_SCHEDULE, windows: SEED_SCHEDULE.windows.map((w) => (w.name === 'business' ? { ...w, max: 4 } : w)) };
    expect(() => assertScheduleFits(tooHigh, bounds, 'x')).toThrow(/exceeds maxReplicaCount/);
    const midnight: Schedule = { ...SEED_SCHEDULE, windows: SEED_SCHEDULE.windows.map((w) => (w.name === 'late_night' ? { ...w, max: 2 } : w)) };
    expect(() => assertScheduleFits(midnight, bounds, 'x')).toThrow(/crosses midnight/);
  });
});

describe('ScaledObject spec', () => {
  it('uses plain triggers without a formula where no schedule applies (gateway prod, every dev service)', () => {
    for (const spec of [scaledObjectSpec(CATALOGUE.gateway, ENVIRONMENT_CONFIG.prod), scaledObjectSpec(CATALOGUE.critic, ENVIRONMENT_CONFIG.dev)]) {
      expect(spec.advanced?.scalingModifiers).toBeUndefined();
      expect(spec.triggers.map((t) => t.type)).toEqual(['prometheus', 'cpu', 'memory', 'prometheus']);
    }
  });

  it('puts the seed scale-up/scale-down policies and stabilization windows in the HPA behaviour', () => {
    const behavior = scaledObjectSpec(CATALOGUE.critic, ENVIRONMENT_CONFIG.prod).advanced?.horizontalPodAutoscalerConfig?.behavior;
    expect(behavior?.scaleUp).toEqual({
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
      policies: [
        { type: 'Percent', value: 100, periodSeconds: 60 },
        { type: 'Pods', value: 5, periodSeconds: 60 },
      ],
    });
    expect(behavior?.scaleDown).toEqual({
      stabilizationWindowSeconds: 300,
      selectPolicy: 'Max',
      policies: [
        { type: 'Percent', value: 10, periodSeconds: 60 },
        { type: 'Pods', value: 2, periodSeconds: 60 },
      ],
    });
  });
});
