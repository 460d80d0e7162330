import { describe, expect, it } from 'vitest';
import { CronWindow, cronMatches, localTime, parseCron, zonedTimeToEpoch } from './cron.js';

const NY = 'America/New_York';
const epoch = (iso: string): number => Date.parse(iso) / 1000;
const window = (start: string, end: string, from: string, to: string): CronWindow =>
  new CronWindow({ start, end, timeZone: NY, fromEpoch: epoch(from), toEpoch: epoch(to) });

describe('cron windows in America/New_York', () => {
  it('opens business hours at 09:00 local on both sides of the spring-forward weekend (14:00 UTC, then 13:00 UTC)', () => {
    const business = window('0 9 * * 1-5', '0 18 * * 1-5', '2025-03-06T00:00:00Z', '2025-03-12T00:00:00Z');
    // Friday 2025-03-07 is EST (UTC−5).
    expect(business.isActive(epoch('2025-03-07T13:59:00Z'))).toBe(false);
    expect(business.isActive(epoch('2025-03-07T14:00:00Z'))).toBe(true);
    expect(business.isActive(epoch('2025-03-07T22:59:59Z'))).toBe(true);
    expect(business.isActive(epoch('2025-03-07T23:00:00Z'))).toBe(false);
    // Monday 2025-03-10 is EDT (UTC−4).
    expect(business.isActive(epoch('2025-03-10T12:59:59Z'))).toBe(false);
    expect(business.isActive(epoch('2025-03-10T13:00:00Z'))).toBe(true);
    expect(business.isActive(epoch('2025-03-10T21:59:00Z'))).toBe(true);
    expect(business.isActive(epoch('2025-03-10T22:00:00Z'))).toBe(false);
    // Not at the weekend.
    expect(business.isActive(epoch('2025-03-08T15:00:00Z'))).toBe(false);
  });

  it('moves the other way after the fall-back weekend', () => {
    const business = window('0 9 * * 1-5', '0 18 * * 1-5', '2025-10-30T00:00:00Z', '2025-11-05T00:00:00Z');
    expect(business.isActive(epoch('2025-10-31T13:00:00Z'))).toBe(true); // 09:00 EDT
    expect(business.isActive(epoch('2025-11-03T13:30:00Z'))).toBe(false); // 08:30 EST
    expect(business.isActive(epoch('2025-11-03T14:00:00Z'))).toBe(true); // 09:00 EST
  });

  it('keeps a weekend window from Saturday 00:00 to Monday 00:00 local across the DST change', () => {
    const weekend = window('0 0 * * 6', '0 0 * * 1', '2025-03-06T00:00:00Z', '2025-03-12T00:00:00Z');
    expect(weekend.isActive(epoch('2025-03-08T04:59:00Z'))).toBe(false); // Fri 23:59 EST
    expect(weekend.isActive(epoch('2025-03-08T05:00:00Z'))).toBe(true); // Sat 00:00 EST
    expect(weekend.isActive(epoch('2025-03-10T03:59:00Z'))).toBe(true); // Sun 23:59 EDT
    expect(weekend.isActive(epoch('2025-03-10T04:00:00Z'))).toBe(false); // Mon 00:00 EDT
  });

  it('never fires a start in the hour skipped by spring-forward — so, as in KEDA, the window stays open from the previous end', () => {
    const w = window('30 2 * * *', '0 4 * * *', '2025-03-06T00:00:00Z', '2025-03-11T00:00:00Z');
    expect(w.isActive(epoch('2025-03-07T07:45:00Z'))).toBe(true); // Fri 02:45 EST
    expect(w.isActive(epoch('2025-03-07T12:00:00Z'))).toBe(false); // Fri 07:00 EST: next start Sat 02:30 comes first
    // Sat 07:00 EST: the next 02:30 is Monday's (Sunday's does not exist), the next 04:00 is Sunday's → "active".
    expect(w.isActive(epoch('2025-03-08T12:00:00Z'))).toBe(true);
    expect(w.isActive(epoch('2025-03-09T08:30:00Z'))).toBe(false); // Sun 04:30 EDT
    expect(w.isActive(epoch('2025-03-10T06:45:00Z'))).toBe(true); // Mon 02:45 EDT
  });

  it('matches a repeated fall-back time in both occurrences', () => {
    const c = parseCron('30 1 * * *');
    expect(cronMatches(c, localTime(NY, epoch('2025-11-02T05:30:00Z')))).toBe(true); // 01:30 EDT
    expect(cronMatches(c, localTime(NY, epoch('2025-11-02T06:30:00Z')))).toBe(true); // 01:30 EST
  });

  it('converts New York wall time to UTC with the right offset', () => {
    expect(new Date(zonedTimeToEpoch(NY, { year: 2025, month: 11, day: 17 }) * 1000).toISOString()).toBe('2025-11-17T05:00:00.000Z');
    expect(new Date(zonedTimeToEpoch(NY, { year: 2025, month: 7, day: 1, hour: 9 }) * 1000).toISOString()).toBe('2025-07-01T13:00:00.000Z');
  });
});

describe('cron expressions', () => {
  it('reads lists, ranges, steps and names, and ORs day-of-month with day-of-week when both are restricted', () => {
    const c = parseCron('*/15 9-17 1,15 JAN-MAR MON');
    expect([...c.minute.values]).toEqual([0, 15, 30, 45]);
    expect(cronMatches(c, { year: 2025, month: 2, day: 15, hour: 9, minute: 30, weekday: 6 })).toBe(true); // the 15th
    expect(cronMatches(c, { year: 2025, month: 2, day: 3, hour: 9, minute: 30, weekday: 1 })).toBe(true); // a Monday
    expect(cronMatches(c, { year: 2025, month: 2, day: 4, hour: 9, minute: 30, weekday: 2 })).toBe(false);
    expect(cronMatches(parseCron('0 0 * * 7'), { year: 2025, month: 3, day: 9, hour: 0, minute: 0, weekday: 0 })).toBe(true);
  });

  it('rejects malformed expressions and identical start and end', () => {
    expect(() => parseCron('0 9 * *')).toThrow(/5 fields/);
    expect(() => parseCron('61 9 * * *')).toThrow(/outside 0-59/);
    expect(() => window('0 9 * * *', '0 9 * * *', '2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z')).toThrow(/must differ/);
    expect(() => new CronWindow({ start: '0 9 * * *', end: '0 10 * * *', timeZone: 'Mars/Olympus', fromEpoch: 0, toEpoch: 60 })).toThrow(/time zone/);
  });
});
