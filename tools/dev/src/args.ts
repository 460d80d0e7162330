export interface RunnerArgs {
  readonly replicas: Readonly<Record<string, number>>;
  readonly only?: readonly string[];
}

/** Parses `--replicas name=N` (repeatable, or comma separated) and `--only a,b`. */
export function parseArgs(argv: readonly string[], known: readonly string[]): RunnerArgs {
  const replicas: Record<string, number> = {};
  let only: string[] | undefined;
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') && arg.startsWith('--') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--replicas') {
      for (const pair of value().split(',').filter(Boolean)) {
        const m = /^([a-z-]+)=(\d+)$/.exec(pair);
        if (!m) problems.push(`--replicas expects name=N, got "${pair}"`);
        else if (!known.includes(m[1] as string)) problems.push(`--replicas: unknown service "${m[1]}" (known: ${known.join(', ')})`);
        else if (Number(m[2]) < 1 || Number(m[2]) > 16) problems.push(`--replicas ${m[1]}: N must be 1..16`);
        else replicas[m[1] as string] = Number(m[2]);
      }
    } else if (flag === '--only') {
      only = value().split(',').filter(Boolean);
      for (const name of only) if (!known.includes(name)) problems.push(`--only: unknown service "${name}"`);
    } else if (flag === '--help' || flag === '-h') {
      throw new UsageError('');
    } else {
      problems.push(`unknown argument "${arg}"`);
    }
  }
  if (problems.length) throw new UsageError(problems.join('\n'));
  return { replicas, ...(only ? { only } : {}) };
}

export class UsageError extends Error {
  readonly code = 'USAGE';
}

export const USAGE = `usage: npm start -- [--replicas name=N[,name=N]] [--only name,name]
  --replicas gateway=3   run 3 processes of a service behind its one port (SO_REUSEPORT)
  --only gateway,critic  start only these services (plus the LLM emulator and the Cosmos server)`;
