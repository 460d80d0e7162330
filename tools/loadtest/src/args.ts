import { UsageError } from './usage-error.js';

export interface RunArgs {
  readonly command: 'run';
  readonly endpoint: string;
  readonly scenario: string;
  readonly output?: string;
  readonly html?: string;
  readonly md?: string;
  readonly scale: number;
  readonly apiKey?: string;
  readonly durationS?: number;
  readonly userHeader: string;
  /** name=url pairs replacing the default scrape targets. */
  readonly services?: Readonly<Record<string, string>>;
  readonly emulator?: string;
  readonly maxInFlight?: number;
  readonly timeoutMs: number;
  readonly seed: number;
  readonly arrivals: 'uniform' | 'poisson';
  readonly progress: boolean;
  /** `--repeat-messages`: send the catalogue verbatim (the LLM caches then answer repeats). */
  readonly repeatMessages: boolean;
}

export interface CompareArgs {
  readonly command: 'compare';
  readonly base: string;
  readonly current: string;
  readonly thresholds?: string;
  readonly md?: string;
}

export type CliArgs = RunArgs | CompareArgs | { readonly command: 'list' } | { readonly command: 'help' };

export const USAGE = `usage:
  npm run loadtest -- list
  npm run loadtest -- --scenario NAME --output results.json [options]
  npm run loadtest -- compare base.json new.json [--thresholds p95=20,p99=20,errorRate=0.1,throughput=10,cost=10] [--md compare.md]

run options:
  --endpoint URL        gateway (loopback only)                      default http://127.0.0.1:8080
  --scenario NAME       one of \`list\`
  --output FILE         JSON result (schemaVersion 1)                default loadtest-results/<scenario>.json
  --html FILE           HTML report with charts                      default: beside --output
  --md FILE             Markdown summary                             default: beside --output
  --scale K             multiply users and rates (e.g. 100)          default 1
  --duration S          override the scenario's duration (seconds)
  --api-key KEY         gateway key (env SUPPORTMESH_API_KEY)        default: the local dev key
  --user-header NAME    header carrying the virtual user id          default x-user-id
  --services a=URL,...  /metrics scrape targets (replace the defaults from SERVICE_PORTS)
  --emulator URL        LLM emulator for fault injection             default http://127.0.0.1:8090
  --max-in-flight N     open model: in-flight bound                  default max(64, 10 s of peak rate)
  --timeout-ms N        per-request timeout                          default 30000
  --arrivals MODE       open model: uniform | poisson                default uniform
  --seed N              message mix PRNG seed                        default 1
  --repeat-messages     send the message catalogue verbatim, so the LLM caches answer repeats
                        (default: every message gets a unique #lt<run><n> tag and misses the caches)
  --no-progress         no live progress line (it is off anyway when stderr is not a TTY)

exit codes: 0 pass, 1 SLO broken / regression, 2 usage or setup error.
Rate limits: the gateway allows 10 requests/min per user by default. Every virtual user sends its own
x-user-id, and the gateway keys the per-user limit on key + that header for delegate keys (the local dev user
key is one; the dev admin key is not, so with it every virtual user shares one bucket). With another key,
raise GATEWAY_RATE_LIMIT_PER_MINUTE (at most 10000).`;

const num = (flag: string, v: string, min: number, integer = false): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag}: expected ${integer ? 'an integer' : 'a number'} ≥ ${min}, got "${v}"`);
  }
  return n;
};

const positive = (flag: string, v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: expected a number > 0, got "${v}"`);
  return n;
};

function parseServices(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of v.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`--services expects name=URL pairs, got "${pair}"`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

/** Parses the command line (everything after `npm run loadtest --`). */
export function parseArgs(argv: readonly string[]): CliArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  const booleans = new Set(['--no-progress', '--repeat-messages', '--help', '-h']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    if (booleans.has(flag)) {
      flags.set(flag, 'true');
      continue;
    }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    flags.set(flag, value);
  }
  if (flags.has('--help') || flags.has('-h') || positional[0] === 'help') return { command: 'help' };

  const take = (flag: string) => {
    const v = flags.get(flag);
    flags.delete(flag);
    return v;
  };
  const rejectLeftovers = () => {
    if (flags.size) throw new UsageError(`unknown option ${[...flags.keys()].join(', ')}`);
  };

  if (positional[0] === 'list') {
    if (positional.length > 1) throw new UsageError(`unexpected argument "${positional[1]}"`);
    rejectLeftovers();
    return { command: 'list' };
  }
  if (positional[0] === 'compare') {
    if (positional.length !== 3) throw new UsageError('compare needs two result files: compare base.json new.json');
    const thresholds = take('--thresholds');
    const md = take('--md');
    rejectLeftovers();
    return { command: 'compare', base: positional[1] as string, current: positional[2] as string, ...(thresholds ? { thresholds } : {}), ...(md ? { md } : {}) };
  }
  if (positional[0] === 'run') positional.shift();
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);

  const scenario = take('--scenario');
  if (!scenario) throw new UsageError('--scenario is required (see `npm run loadtest -- list`)');
  const opt = <T>(flag: string, f: (v: string) => T): T | undefined => {
    const v = take(flag);
    return v === undefined ? undefined : f(v);
  };
  const arrivals = take('--arrivals') ?? 'uniform';
  if (arrivals !== 'uniform' && arrivals !== 'poisson') throw new UsageError(`--arrivals: uniform or poisson, got "${arrivals}"`);
  const userHeader = take('--user-header') ?? 'x-user-id';
  if (!/^[a-z0-9-]{1,64}$/i.test(userHeader)) throw new UsageError(`--user-header: not a valid header name: "${userHeader}"`);
  const scale = opt('--scale', (v) => positive('--scale', v)) ?? 1;
  const args: RunArgs = {
    command: 'run',
    scenario,
    endpoint: take('--endpoint') ?? 'http://127.0.0.1:8080',
    scale,
    userHeader: userHeader.toLowerCase(),
    timeoutMs: opt('--timeout-ms', (v) => num('--timeout-ms', v, 1, true)) ?? 30_000,
    seed: opt('--seed', (v) => num('--seed', v, 0, true)) ?? 1,
    arrivals,
    progress: take('--no-progress') === undefined,
    repeatMessages: take('--repeat-messages') !== undefined,
    ...optional('output', take('--output')),
    ...optional('html', take('--html')),
    ...optional('md', take('--md')),
    ...optional('apiKey', take('--api-key')),
    ...optional('durationS', opt('--duration', (v) => positive('--duration', v))),
    ...optional('services', opt('--services', parseServices)),
    ...optional('emulator', take('--emulator')),
    ...optional('maxInFlight', opt('--max-in-flight', (v) => num('--max-in-flight', v, 1, true))),
  };
  rejectLeftovers();
  return args;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
