import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.js';

const known = ['gateway', 'critic', 'analytics'];

describe('npm start arguments', () => {
  it('reads --replicas name=N in both spellings and comma lists', () => {
    expect(parseArgs(['--replicas', 'gateway=3'], known).replicas).toEqual({ gateway: 3 });
    expect(parseArgs(['--replicas=gateway=2,critic=2'], known).replicas).toEqual({ gateway: 2, critic: 2 });
  });

  it('rejects unknown services, bad counts and unknown flags with every problem listed', () => {
    try {
      parseArgs(['--replicas', 'nope=2,gateway=0', '--bogus'], known);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      const msg = (err as Error).message;
      expect(msg).toContain('unknown service "nope"');
      expect(msg).toContain('gateway: N must be 1..16');
      expect(msg).toContain('unknown argument "--bogus"');
    }
  });

  it('limits the run to --only services', () => {
    expect(parseArgs(['--only', 'gateway,critic'], known).only).toEqual(['gateway', 'critic']);
    expect(() => parseArgs(['--only', 'gateway,x'], known)).toThrow(/unknown service "x"/);
  });
});
