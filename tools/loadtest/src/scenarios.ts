import { CLASS_P95_MS, DEFAULT_MIX, type ClassMix } from './messages.js';
import type { KedaTriggerKind, MessageClass } from './result-schema.js';

/** A check evaluated after the run (see slo.ts). */
export type SloSpec =
  | { readonly kind: 'latency'; readonly percentile: 95 | 99; readonly maxMs: number; readonly class?: MessageClass }
  | { readonly kind: 'error-rate'; readonly max: number }
  | { readonly kind: 'breaker-opened' }
  | { readonly kind: 'fail-fast'; readonly percentile: 99; readonly maxMs: number }
  | { readonly kind: 'breaker-recovered' }
  | { readonly kind: 'keda-fired'; readonly trigger: KedaTriggerKind }
  | { readonly kind: 'cold-start'; readonly maxMs: number }
  | { readonly kind: 'memory-growth'; readonly maxPct: number }
  | { readonly kind: 'capacity-found' };

/**
 * Open-model arrival profile, relative to the scenario's `rps` so `--scale` multiplies every step:
 * `constant` = `rps` for the whole run; `ramp` = `steps` equal steps up to `rps`;
 * `geometric` = starts at `rps` and multiplies by `factor` each step (capacity search).
 */
export type ProfileSpec =
  | { readonly kind: 'constant' }
  | { readonly kind: 'ramp'; readonly steps: number }
  | { readonly kind: 'geometric'; readonly factor: number; readonly steps: number };

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** `open` = arrivals at a rate regardless of responses; `closed` = users with think time. */
  readonly model: 'open' | 'closed';
  readonly durationS: number;
  /** Closed: virtual users. Open: distinct customer identities the arrivals rotate over. */
  readonly users: number;
  /** Closed: total turns per second over all users (pacing). Open: arrival rate (or the first step). */
  readonly rps: number;
  readonly profile: ProfileSpec;
  readonly mix: ClassMix;
  /** Closed model: turns per conversation, inclusive range. */
  readonly turns: readonly [number, number];
  readonly slos: readonly SloSpec[];
  readonly scale: number;
  /** Circuit-breaker: LLM outage window as fractions of the duration (30 s → 5 s..20 s). */
  readonly outage?: { readonly startFraction: number; readonly endFraction: number };
  /** Cold-start: wait for the gateway to become ready and measure from its process start. */
  readonly coldStart?: boolean;
  /** Soak: report memory trends per service. */
  readonly watchMemory?: boolean;
  /** Capacity: stop at the first step that breaks the step SLO. */
  readonly capacity?: { readonly p95Ms: number; readonly maxErrorRate: number };
}

/** Defaults from the issue: p95 < 2 s, error rate < 0.1 %. */
export const DEFAULT_SLOS: readonly SloSpec[] = [
  { kind: 'latency', percentile: 95, maxMs: 2000 },
  { kind: 'error-rate', max: 0.001 },
];

const CLASS_SLOS: readonly SloSpec[] = (['simple', 'moderate', 'complex'] as const).map((cls) => ({
  kind: 'latency',
  percentile: 95,
  maxMs: CLASS_P95_MS[cls],
  class: cls,
}));

const base = { scale: 1, mix: DEFAULT_MIX, turns: [2, 4] as const, profile: { kind: 'constant' } as const };

/** The seed's seven scenarios (same durations, users and rates) plus `capacity` and `soak`. */
export const SCENARIOS: readonly Scenario[] = [
  {
    ...base,
    name: 'baseline',
    description: 'Normal traffic: 5 users in multi-turn conversations (simple/moderate/complex mix) at 0.5 turns/s.',
    model: 'closed',
    durationS: 60,
    users: 5,
    rps: 0.5,
    slos: [...DEFAULT_SLOS, ...CLASS_SLOS],
  },
  {
    ...base,
    name: 'scale-up',
    description: 'Arrival rate ramps in 6 steps to 3.5 chats/s over 30 customers; should push in-flight per pod above the KEDA threshold (10).',
    model: 'open',
    durationS: 120,
    users: 30,
    rps: 3.5,
    profile: { kind: 'ramp', steps: 6 },
    slos: [...DEFAULT_SLOS, { kind: 'keda-fired', trigger: 'in-flight-per-pod' }],
  },
  {
    ...base,
    name: 'scale-down',
    description: 'Load drops to a trickle (1 user, 0.1 turns/s) so replicas can scale back down; latency must stay in SLO.',
    model: 'closed',
    durationS: 180,
    users: 1,
    rps: 0.1,
    slos: DEFAULT_SLOS,
  },
  {
    ...base,
    name: 'pool-stress',
    description: 'LLM connection pool under pressure: 5 chats/s over 50 customers, heavier on long questions.',
    model: 'open',
    durationS: 60,
    users: 50,
    rps: 5,
    mix: { simple: 0.2, moderate: 0.4, complex: 0.4 },
    slos: DEFAULT_SLOS,
  },
  {
    ...base,
    name: 'circuit-breaker',
    description:
      'LLM outage from t=5 s to t=20 s (emulator failAll) at 10 chats/s over 100 customers: the breaker must open, fail fast and recover.',
    model: 'open',
    durationS: 30,
    users: 100,
    rps: 10,
    outage: { startFraction: 1 / 6, endFraction: 2 / 3 },
    slos: [
      { kind: 'breaker-opened' },
      { kind: 'fail-fast', percentile: 99, maxMs: 5 },
      { kind: 'breaker-recovered' },
      { kind: 'error-rate', max: 0.01 },
    ],
  },
  {
    ...base,
    name: 'cold-start',
    description: 'First replies after a (re)start: waits for /ready, 1 user at 0.1 turns/s, measured from the gateway process start.',
    model: 'closed',
    durationS: 10,
    users: 1,
    rps: 0.1,
    turns: [1, 1],
    coldStart: true,
    slos: [...DEFAULT_SLOS, { kind: 'cold-start', maxMs: 10_000 }],
  },
  {
    ...base,
    name: 'sustained',
    description: 'Steady business-hours traffic: 20 users in conversations at 2 turns/s for 5 minutes.',
    model: 'closed',
    durationS: 300,
    users: 20,
    rps: 2,
    slos: [...DEFAULT_SLOS, ...CLASS_SLOS],
  },
  {
    ...base,
    name: 'capacity',
    description:
      'Steps the arrival rate up (×1.5 every 15 s from 2 chats/s) until a step breaks p95 < 2 s or errors < 0.1 %; reports the last passing rate.',
    model: 'open',
    durationS: 240,
    users: 10_000,
    rps: 2,
    profile: { kind: 'geometric', factor: 1.5, steps: 16 },
    capacity: { p95Ms: 2000, maxErrorRate: 0.001 },
    slos: [{ kind: 'capacity-found' }],
  },
  {
    ...base,
    name: 'soak',
    description: 'Long steady run (30 min, 20 users, 2 turns/s) watching per-service memory for growth.',
    model: 'closed',
    durationS: 1800,
    users: 20,
    rps: 2,
    watchMemory: true,
    slos: [...DEFAULT_SLOS, { kind: 'memory-growth', maxPct: 20 }],
  },
];

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

/** The named scenario, or undefined. */
export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** `--scale K`: multiplies users and rates (per-user rate stays the same, so per-user rate limits still hold). */
export function scaleScenario(s: Scenario, k: number): Scenario {
  if (!(k > 0) || !Number.isFinite(k)) throw new RangeError(`scale must be a positive number, got ${k}`);
  return { ...s, scale: s.scale * k, users: Math.max(1, Math.round(s.users * k)), rps: s.rps * k };
}

/** `--duration S`: replaces the duration (steps and the outage window keep their proportions). */
export function withDuration(s: Scenario, durationS: number): Scenario {
  if (!(durationS > 0) || !Number.isFinite(durationS)) throw new RangeError(`duration must be a positive number, got ${durationS}`);
  return { ...s, durationS };
}

export interface Step {
  readonly name: string;
  readonly startS: number;
  readonly endS: number;
  readonly rps: number;
}

/** The open model's arrival steps (one step for a constant rate). Closed scenarios give one step too. */
export function arrivalSteps(s: Scenario): Step[] {
  const p = s.profile;
  if (p.kind === 'constant' || s.model === 'closed') return [{ name: 'steady', startS: 0, endS: s.durationS, rps: s.rps }];
  const n = Math.max(1, Math.floor(p.steps));
  const len = s.durationS / n;
  return Array.from({ length: n }, (_, i) => ({
    name: `step ${i + 1}`,
    startS: i * len,
    endS: i === n - 1 ? s.durationS : (i + 1) * len,
    rps: p.kind === 'ramp' ? (s.rps * (i + 1)) / n : s.rps * p.factor ** i,
  }));
}

/** Peak arrival rate of the profile. */
export function peakRps(s: Scenario): number {
  return Math.max(...arrivalSteps(s).map((st) => st.rps));
}

/** Default in-flight bound for the open model: enough for 10 s of the peak rate, at least 64. */
export function defaultMaxInFlight(s: Scenario): number {
  return Math.max(64, Math.ceil(peakRps(s) * 10));
}

/** Reporting phases: the arrival steps, or before/outage/after for the circuit-breaker scenario. */
export function phasesOf(s: Scenario): Step[] {
  if (!s.outage) return arrivalSteps(s);
  const start = s.durationS * s.outage.startFraction;
  const end = s.durationS * s.outage.endFraction;
  return [
    { name: 'before outage', startS: 0, endS: start, rps: s.rps },
    { name: 'outage', startS: start, endS: end, rps: s.rps },
    { name: 'after outage', startS: end, endS: s.durationS, rps: s.rps },
  ];
}

/** One line per scenario for `list`. */
export function describeScenario(s: Scenario): string {
  const rate = s.profile.kind === 'constant' ? `${fmt(s.rps)} rps` : s.profile.kind === 'ramp' ? `ramp to ${fmt(s.rps)} rps` : `${fmt(s.rps)} rps ×${s.profile.factor}/step`;
  return `${s.name.padEnd(16)} ${s.model.padEnd(6)} ${`${s.durationS} s`.padStart(7)} ${`${s.users} users`.padStart(12)}  ${rate.padEnd(22)} ${s.description}`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '');
}
