import { CapacityInputError } from './capacity-input-error.js';

/**
 * KEDA's cron trigger, as `pkg/scalers/cron_scaler.go` evaluates it with robfig/cron in the trigger's IANA time zone:
 * the trigger is active at `now` when the next `end` firing is not later than the next `start` firing (both strictly
 * after `now`), i.e. on `[start, end)`. Wall-clock fields come from `Intl` for the zone, so DST shifts are honoured:
 * `0 9 * * 1-5` in America/New_York is 14:00 UTC in winter and 13:00 UTC in summer; a local time skipped by a
 * spring-forward never fires, and one repeated by a fall-back fires in each occurrence.
 */

interface Field {
  readonly values: ReadonlySet<number>;
  /** The field was `*` (or `?`): robfig ORs day-of-month and day-of-week only when both are restricted. */
  readonly star: boolean;
}

export interface CronExpression {
  readonly source: string;
  readonly minute: Field;
  readonly hour: Field;
  readonly dom: Field;
  readonly month: Field;
  readonly dow: Field;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function parseField(text: string, min: number, max: number, names: readonly string[] | undefined, nameBase: number, what: string, expr: string): Field {
  const values = new Set<number>();
  const star = text === '*' || text === '?';
  const toNumber = (s: string): number => {
    const upper = s.toUpperCase();
    const named = names?.indexOf(upper) ?? -1;
    if (named >= 0) return named + nameBase;
    if (!/^\d+$/.test(s)) throw new CapacityInputError(`cron "${expr}": ${what} value "${s}" is not a number`);
    return Number(s);
  };
  for (const part of text.split(',')) {
    const [rangeText, stepText] = part.split('/');
    if (rangeText === undefined || rangeText === '') throw new CapacityInputError(`cron "${expr}": empty ${what} field`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CapacityInputError(`cron "${expr}": bad step in ${what} "${part}"`);
    let lo: number;
    let hi: number;
    if (rangeText === '*' || rangeText === '?') {
      lo = min;
      hi = max;
    } else if (rangeText.includes('-')) {
      const [a, b] = rangeText.split('-');
      lo = toNumber(a ?? '');
      hi = toNumber(b ?? '');
    } else {
      lo = toNumber(rangeText);
      hi = stepText === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new CapacityInputError(`cron "${expr}": ${what} "${part}" is outside ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

/** Five-field Linux cron (minute hour day-of-month month day-of-week), as KEDA's cron trigger accepts. */
export function parseCron(expr: string): CronExpression {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) throw new CapacityInputError(`cron "${expr}": expected 5 fields (minute hour day-of-month month day-of-week)`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const dowField = parseField(dow, 0, 7, DAYS, 0, 'day-of-week', expr);
  // 7 is Sunday too.
  const dowValues = new Set([...dowField.values].map((d) => (d === 7 ? 0 : d)));
  return {
    source: expr,
    minute: parseField(minute, 0, 59, undefined, 0, 'minute', expr),
    hour: parseField(hour, 0, 23, undefined, 0, 'hour', expr),
    dom: parseField(dom, 1, 31, undefined, 0, 'day-of-month', expr),
    month: parseField(month, 1, 12, MONTHS, 1, 'month', expr),
    dow: { values: dowValues, star: dowField.star },
  };
}

export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** 0 = Sunday */
  readonly weekday: number;
}

export function cronMatches(c: CronExpression, t: LocalTime): boolean {
  if (!c.minute.values.has(t.minute) || !c.hour.values.has(t.hour) || !c.month.values.has(t.month)) return false;
  const domMatch = c.dom.values.has(t.day);
  const dowMatch = c.dow.values.has(t.weekday);
  // robfig dayMatches: AND when either field is a star, OR when both are restricted.
  return c.dom.star || c.dow.star ? domMatch && dowMatch : domMatch || dowMatch;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new CapacityInputError(`unknown IANA time zone "${timeZone}"`, { cause });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

const offsetCache = new Map<string, number>();

/** Offset of the zone from UTC at `epochSeconds`, in seconds (negative west of Greenwich). */
export function zoneOffsetSeconds(timeZone: string, epochSeconds: number): number {
  // Whole minutes are cached: the cron tables of many triggers ask for the same instants.
  if (epochSeconds % 60 === 0) {
    const key = `${timeZone}@${epochSeconds}`;
    let cached = offsetCache.get(key);
    if (cached === undefined) {
      cached = computeOffset(timeZone, epochSeconds);
      if (offsetCache.size > 200_000) offsetCache.clear();
      offsetCache.set(key, cached);
    }
    return cached;
  }
  return computeOffset(timeZone, epochSeconds);
}

function computeOffset(timeZone: string, epochSeconds: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(epochSeconds * 1000));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
  return wall - Math.floor(epochSeconds);
}

/** Wall-clock fields in `timeZone` at `epochSeconds`. */
export function localTime(timeZone: string, epochSeconds: number): LocalTime {
  return fieldsAt(epochSeconds + zoneOffsetSeconds(timeZone, epochSeconds));
}

function fieldsAt(shiftedEpochSeconds: number): LocalTime {
  const d = new Date(shiftedEpochSeconds * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  };
}

/** UTC epoch seconds of a wall-clock time in `timeZone` (the earlier instant when the wall time repeats). */
export function zonedTimeToEpoch(timeZone: string, wall: { year: number; month: number; day: number; hour?: number; minute?: number }): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0) / 1000;
  // Two passes converge for every real zone; take the earlier candidate on a fall-back overlap.
  const first = naive - zoneOffsetSeconds(timeZone, naive);
  const second = naive - zoneOffsetSeconds(timeZone, first);
  return Math.min(first, second);
}

const MINUTE = 60;
const DAY = 86_400;

/**
 * Minute-resolution table of firings over `[fromEpoch, toEpoch]` plus a look-ahead, so `isActive(t)` is O(1) inside
 * a simulation. Wall-clock offsets are read from `Intl` once per UTC hour (per minute where an hour holds a shift).
 */
export class CronWindow {
  readonly start: CronExpression;
  readonly end: CronExpression;
  readonly timeZone: string;
  private readonly baseMinute: number;
  private readonly nextStart: Float64Array;
  private readonly nextEnd: Float64Array;

  constructor(opts: { start: string; end: string; timeZone: string; fromEpoch: number; toEpoch: number; lookAheadSeconds?: number }) {
    if (opts.start.trim() === opts.end.trim()) throw new CapacityInputError(`cron trigger: start and end must differ ("${opts.start}")`);
    this.start = parseCron(opts.start);
    this.end = parseCron(opts.end);
    this.timeZone = opts.timeZone;
    formatter(opts.timeZone);
    const lookAhead = opts.lookAheadSeconds ?? 8 * DAY;
    this.baseMinute = Math.floor(opts.fromEpoch / MINUTE);
    const lastMinute = Math.ceil((opts.toEpoch + lookAhead) / MINUTE);
    const n = lastMinute - this.baseMinute + 2;
    const startFires = new Uint8Array(n);
    const endFires = new Uint8Array(n);
    for (let hourStart = this.baseMinute - (this.baseMinute % 60); hourStart <= lastMinute; hourStart += 60) {
      const offsetAtStart = zoneOffsetSeconds(opts.timeZone, hourStart * MINUTE);
      const offsetAtEnd = zoneOffsetSeconds(opts.timeZone, (hourStart + 59) * MINUTE);
      for (let m = hourStart; m < hourStart + 60; m++) {
        const i = m - this.baseMinute;
        if (i < 0 || i >= n) continue;
        const offset = offsetAtStart === offsetAtEnd ? offsetAtStart : zoneOffsetSeconds(opts.timeZone, m * MINUTE);
        const local = fieldsAt(m * MINUTE + offset);
        if (cronMatches(this.start, local)) startFires[i] = 1;
        if (cronMatches(this.end, local)) endFires[i] = 1;
      }
    }
    this.nextStart = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
    this.nextEnd = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
    for (let i = n - 1; i >= 0; i--) {
      this.nextStart[i] = startFires[i] ? i : this.nextStart[i + 1];
      this.nextEnd[i] = endFires[i] ? i : this.nextEnd[i + 1];
    }
  }

  /** Active on `[start, end)`: the next end comes no later than the next start (robfig `Next` is strictly after now). */
  isActive(epochSeconds: number): boolean {
    const i = Math.floor(epochSeconds / MINUTE) - this.baseMinute + 1;
    if (i < 0 || i >= this.nextStart.length) {
      throw new RangeError(`cron window asked about ${epochSeconds}, outside the precomputed range`);
    }
    const nextStart = this.nextStart[i];
    const nextEnd = this.nextEnd[i];
    if (nextStart === Number.POSITIVE_INFINITY && nextEnd === Number.POSITIVE_INFINITY) return false;
    return !(nextStart < nextEnd);
  }
}
