import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';

describe('command line', () => {
  it('reads a run with defaults filled in', () => {
    expect(parseArgs(['--scenario', 'baseline', '--output', 'r.json'])).toEqual({
      command: 'run',
      scenario: 'baseline',
      output: 'r.json',
      endpoint: 'http://127.0.0.1:8080',
      scale: 1,
      userHeader: 'x-user-id',
      timeoutMs: 30_000,
      seed: 1,
      arrivals: 'uniform',
      progress: true,
      repeatMessages: false,
    });
  });

  it('reads every run option, in --flag value and --flag=value form', () => {
    const a = parseArgs([
      'run',
      '--scenario=scale-up',
      '--endpoint',
      'http://localhost:9000',
      '--scale',
      '100',
      '--duration=30',
      '--api-key',
      'k',
      '--user-header',
      'X-Customer-Id',
      '--services',
      'gateway=http://127.0.0.1:9000,critic=http://127.0.0.1:9006',
      '--max-in-flight',
      '500',
      '--arrivals',
      'poisson',
      '--no-progress',
      '--repeat-messages',
    ]);
    expect(a).toMatchObject({
      scenario: 'scale-up',
      endpoint: 'http://localhost:9000',
      scale: 100,
      durationS: 30,
      apiKey: 'k',
      userHeader: 'x-customer-id',
      services: { gateway: 'http://127.0.0.1:9000', critic: 'http://127.0.0.1:9006' },
      maxInFlight: 500,
      arrivals: 'poisson',
      progress: false,
      repeatMessages: true,
    });
  });

  it('reads list and compare', () => {
    expect(parseArgs(['list'])).toEqual({ command: 'list' });
    expect(parseArgs(['compare', 'a.json', 'b.json', '--thresholds', 'p95=10'])).toEqual({ command: 'compare', base: 'a.json', current: 'b.json', thresholds: 'p95=10' });
  });

  it.each([
    [['--output', 'r.json'], '--scenario is required'],
    [['--scenario', 'baseline', '--scale', '0'], '--scale: expected a number > 0'],
    [['--scenario', 'baseline', '--bogus', '1'], 'unknown option --bogus'],
    [['--scenario', 'baseline', '--arrivals', 'burst'], '--arrivals'],
    [['--scenario', 'baseline', '--services', 'gateway'], 'name=URL'],
    [['compare', 'a.json'], 'two result files'],
    [['--scenario'], 'needs a value'],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(message) }));
  });
});
