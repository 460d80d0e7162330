import { CapacityInputError } from './capacity-input-error.js';
import { zonedTimeToEpoch, zoneOffsetSeconds } from './cron.js';

/**
 * Arrival-rate profiles at the gateway (gateway requests per second over time). Everything downstream is derived
 * from this rate with the traffic mix in `workload.ts`.
 *
 * The seed's weekly pattern for 10,000 daily active users (DAU), in America/New_York:
 * - a weekday carries DAU × 2.2 conversations × (1 create + 5.6 messages) = 145,200 gateway requests (1.68 rps mean);
 * - the day's requests follow HOURLY_WEEKDAY (shares per local hour, summing to 1): nights low (0.4–1.1 % per hour),
 *   ramp 07:00–09:00, business-hours plateau 09:00–17:00 with peaks at 11:00 and 14:00 (8.5 % each), an evening tail;
 *   the peak hour is 145,200 × 0.085 / 3,600 ≈ 3.4 rps — the seed's scale-up scenario (3.5 rps) is that peak;
 * - Saturday and Sunday carry 45 % of a weekday's volume on the flatter HOURLY_WEEKEND shape (peak ≈ 1.2 rps);
 * - rates are interpolated linearly between hour midpoints, so the curve has no steps.
 * `black-friday` is the same week with Friday at 10× (the whole New York day), Thursday from 18:00 and Saturday at 3×.
 */

export interface TrafficProfile {
  readonly name: string;
  readonly description: string;
  /** Epoch seconds of simulation time 0. */
  readonly startEpoch: number;
  readonly durationSeconds: number;
  /** Gateway requests per second at `t` seconds after the start. */
  rateAt(t: number): number;
  readonly assumptions: Readonly<Record<string, number | string>>;
}

export const PROFILE_TIME_ZONE = 'America/New_York';

export const WEEKLY_ASSUMPTIONS = {
  dailyActiveUsers: 10_000,
  conversationsPerUserPerDay: 2.2,
  /** Each conversation is one create call plus this many message turns. */
  messagesPerConversation: 5.6,
  /** Saturday/Sunday volume relative to a weekday. */
  weekendVolumeFactor: 0.45,
} as const;

/** Share of a weekday's requests in each local hour 00..23 (sums to 1). */
export const HOURLY_WEEKDAY: readonly number[] = [
  0.011, 0.007, 0.005, 0.004, 0.004, 0.006, 0.013, 0.027, 0.048, 0.072, 0.082, 0.085, 0.078, 0.082, 0.085, 0.08, 0.071, 0.058, 0.044, 0.038,
  0.034, 0.028, 0.021, 0.017,
];

/** Share of a weekend day's requests per local hour (sums to 1). */
export const HOURLY_WEEKEND: readonly number[] = [
  0.02, 0.013, 0.009, 0.007, 0.006, 0.007, 0.011, 0.02, 0.035, 0.053, 0.065, 0.073, 0.075, 0.075, 0.073, 0.069, 0.065, 0.061, 0.057, 0.053,
  0.048, 0.043, 0.035, 0.027,
];

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

/** Gateway requests on one weekday. */
export function weekdayRequests(dau: number = WEEKLY_ASSUMPTIONS.dailyActiveUsers): number {
  return dau * WEEKLY_ASSUMPTIONS.conversationsPerUserPerDay * (1 + WEEKLY_ASSUMPTIONS.messagesPerConversation);
}

const WEEK = 7 * 86_400;

/** Monday 2025-11-17 00:00 New York (EST all week, no DST change). */
export const DEFAULT_WEEK_START = { year: 2025, month: 11, day: 17 } as const;
/** Monday 2025-11-24 00:00 New York: Black Friday is 2025-11-28. */
export const BLACK_FRIDAY_WEEK_START = { year: 2025, month: 11, day: 24 } as const;

export function parseStart(text: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) throw new CapacityInputError(`--start "${text}": expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (New York local time)`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0) };
}

/** Precomputes local (New York) weekday and fractional hour per minute, then a rate curve from a shape function. */
function curve(startEpoch: number, durationSeconds: number, rateOf: (weekday: number, hour: number) => number): (t: number) => number {
  const minutes = Math.ceil(durationSeconds / 60) + 1;
  const rates = new Float64Array(minutes + 1);
  let cachedHour = Number.NaN;
  let offset = 0;
  for (let i = 0; i <= minutes; i++) {
    const epoch = startEpoch + i * 60;
    const hourKey = Math.floor(epoch / 3600);
    if (hourKey !== cachedHour) {
      cachedHour = hourKey;
      offset = zoneOffsetSeconds(PROFILE_TIME_ZONE, epoch);
    }
    const local = new Date((epoch + offset) * 1000);
    rates[i] = rateOf(local.getUTCDay(), local.getUTCHours() + local.getUTCMinutes() / 60);
  }
  return (t: number) => {
    const x = Math.max(0, t) / 60;
    const i = Math.min(Math.floor(x), minutes);
    const frac = x - i;
    const a = rates[i];
    const b = rates[Math.min(i + 1, minutes)];
    return a + (b - a) * frac;
  };
}

/** Requests per second at local `hour` (fractional) of a day whose hourly shares are `shares`, interpolated between hour midpoints. */
function hourlyRate(dayRequests: number, shares: readonly number[], hour: number): number {
  const pos = hour - 0.5;
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const a = shares[(lo + 24) % 24];
  const b = shares[(lo + 1 + 24) % 24];
  return (dayRequests * (a + (b - a) * frac)) / 3600;
}

function weeklyShape(dau: number): (weekday: number, hour: number) => number {
  const weekday = weekdayRequests(dau);
  const weekend = weekday * WEEKLY_ASSUMPTIONS.weekendVolumeFactor;
  return (day, hour) => (day === 0 || day === 6 ? hourlyRate(weekend, HOURLY_WEEKEND, hour) : hourlyRate(weekday, HOURLY_WEEKDAY, hour));
}

export interface ProfileOptions {
  readonly dau?: number;
  /** New York local start (must be a Monday for the named profiles to line up with their story). */
  readonly start?: { year: number; month: number; day: number; hour?: number; minute?: number };
}

export function weeklyProfile(options: ProfileOptions = {}): TrafficProfile {
  const dau = options.dau ?? WEEKLY_ASSUMPTIONS.dailyActiveUsers;
  const startEpoch = zonedTimeToEpoch(PROFILE_TIME_ZONE, options.start ?? DEFAULT_WEEK_START);
  const rateAt = curve(startEpoch, WEEK, weeklyShape(dau));
  const weekday = weekdayRequests(dau);
  return {
    name: 'weekly',
    description: `one week, ${dau.toLocaleString('en-US')} daily active users (America/New_York): ${Math.round(weekday).toLocaleString('en-US')} gateway requests per weekday, peak ≈ ${(
      (weekday * Math.max(...HOURLY_WEEKDAY)) /
      3600
    ).toFixed(1)} rps at 11:00 and 14:00, weekends at ${WEEKLY_ASSUMPTIONS.weekendVolumeFactor * 100} %`,
    startEpoch,
    durationSeconds: WEEK,
    rateAt,
    assumptions: { ...WEEKLY_ASSUMPTIONS, dailyActiveUsers: dau, weekdayGatewayRequests: weekday, hourlyWeekdaySharesSum: sum(HOURLY_WEEKDAY) },
  };
}

/** Multiplier of the Black Friday week over the normal week (local weekday 0 = Sunday). */
export function blackFridayMultiplier(weekday: number, hour: number): number {
  if (weekday === 5) return 10;
  if (weekday === 4 && hour >= 18) return 3;
  if (weekday === 6) return 3;
  return 1;
}

export function blackFridayProfile(options: ProfileOptions = {}): TrafficProfile {
  const dau = options.dau ?? WEEKLY_ASSUMPTIONS.dailyActiveUsers;
  const startEpoch = zonedTimeToEpoch(PROFILE_TIME_ZONE, options.start ?? BLACK_FRIDAY_WEEK_START);
  const base = weeklyShape(dau);
  const rateAt = curve(startEpoch, WEEK, (day, hour) => base(day, hour) * blackFridayMultiplier(day, hour));
  const weekday = weekdayRequests(dau);
  return {
    name: 'black-friday',
    description: `the weekly pattern (${dau.toLocaleString('en-US')} DAU) with a 10× surge all Friday (peak ≈ ${((10 * weekday * Math.max(...HOURLY_WEEKDAY)) / 3600).toFixed(
      0,
    )} rps), 3× Thursday from 18:00 and Saturday`,
    startEpoch,
    durationSeconds: WEEK,
    rateAt,
    assumptions: { ...WEEKLY_ASSUMPTIONS, dailyActiveUsers: dau, fridayMultiplier: 10, thursdayEveningMultiplier: 3, saturdayMultiplier: 3 },
  };
}

/**
 * `--profile file.csv`: rows `t,rps` (seconds since the start, gateway requests per second), optional header and
 * `#` comments. Piecewise constant: each rate holds until the next row; the last one for one more interval of the
 * same length as the one before it (one hour when the file has a single row).
 */
export function csvProfile(text: string, name: string, options: ProfileOptions = {}): TrafficProfile {
  const rows: { t: number; rps: number }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (rows.length === 0 && cells.some((c) => c !== '' && Number.isNaN(Number(c)))) return; // header
    if (cells.length < 2) throw new CapacityInputError(`${name}:${index + 1}: expected "t,rps"`);
    const t = Number(cells[0]);
    const rps = Number(cells[1]);
    if (!Number.isFinite(t) || t < 0) throw new CapacityInputError(`${name}:${index + 1}: t must be a number of seconds ≥ 0, got "${cells[0]}"`);
    if (!Number.isFinite(rps) || rps < 0) throw new CapacityInputError(`${name}:${index + 1}: rps must be a number ≥ 0, got "${cells[1]}"`);
    const previous = rows.at(-1);
    if (previous && t <= previous.t) throw new CapacityInputError(`${name}:${index + 1}: t must increase (${t} after ${previous.t})`);
    rows.push({ t, rps });
  });
  const first = rows[0];
  if (!first) throw new CapacityInputError(`${name}: no "t,rps" rows`);
  if (first.t !== 0) rows.unshift({ t: 0, rps: 0 });
  const last = rows[rows.length - 1] ?? first;
  const before = rows.at(-2);
  const durationSeconds = last.t + (before ? last.t - before.t : 3600);
  const startEpoch = zonedTimeToEpoch(PROFILE_TIME_ZONE, options.start ?? DEFAULT_WEEK_START);
  return {
    name,
    description: `${rows.length} rows from ${name}, ${durationSeconds} s, peak ${Math.max(...rows.map((r) => r.rps))} rps`,
    startEpoch,
    durationSeconds,
    rateAt(t) {
      let lo = 0;
      let hi = rows.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (rows[mid].t <= t) lo = mid;
        else hi = mid - 1;
      }
      return rows[lo].rps;
    },
    assumptions: { rows: rows.length },
  };
}
