import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './args.js';
import { isUsageError } from './usage-error.js';

describe('bench command line', () => {
  it('runs every suite with a 10-minute soak by default', () => {
    const o = parseBenchArgs([]);
    expect([...o.suites]).toEqual(['hop', 'pipeline', 'capacity', 'cache', 'footprint']);
    expect(o.plan.soak.seconds).toBe(600);
    expect(o.plan.coldStartRuns).toBe(3);
    expect(o.plan.hop.connections).toEqual([1, 32]);
    expect(o.plan.hop.rates).toEqual([500, 1000]);
  });

  it('--quick shortens every duration and the soak', () => {
    const full = parseBenchArgs([]).plan;
    const quick = parseBenchArgs(['--quick']).plan;
    expect(quick.hop.durationMs).toBeLessThan(full.hop.durationMs);
    expect(quick.capacity.durationMs).toBeLessThan(full.capacity.durationMs);
    expect(quick.soak.seconds).toBe(20);
    expect(quick.coldStartRuns).toBe(1);
  });

  it('takes --soak-seconds, --suites and the hop loads', () => {
    const o = parseBenchArgs(['--soak-seconds', '120', '--suites', 'hop,cache', '--hop-rates', '250,750', '--hop-connections', '4']);
    expect(o.plan.soak.seconds).toBe(120);
    expect(o.plan.soak.sampleEveryMs).toBe(2_000);
    expect([...o.suites]).toEqual(['hop', 'cache']);
    expect(o.plan.hop.rates).toEqual([250, 750]);
    expect(o.plan.hop.connections).toEqual([4]);
  });

  it('rejects unknown suites and bad numbers with a usage error', () => {
    for (const argv of [['--suites', 'hop,nope'], ['--soak-seconds', '0'], ['--hop-rates', 'fast'], ['--bogus']]) {
      let caught: unknown;
      try {
        parseBenchArgs(argv);
      } catch (err) {
        caught = err;
      }
      expect(isUsageError(caught), argv.join(' ')).toBe(true);
    }
  });
});
