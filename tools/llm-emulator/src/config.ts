import { parseArgs } from 'node:util';
import { ConfigError } from './config-error.js';
import { FaultsSchema } from './faults.js';
import { parseLatency } from './latency.js';
import { QuotasSchema } from './quotas.js';
import type { EmulatorOptions } from './server.js';

export const DEFAULT_PORT = 8090;
/** The seed's measured Azure OpenAI latency: p50 450 ms, p95 1800 ms. */
export const DEFAULT_CLI_LATENCY = 'lognormal:450:1800';

const USAGE = `llm-emulator [--port N] [--host H] [--latency fixed:MS|lognormal:P50:P95] [--tokens-per-second N]
             [--faults JSON] [--quotas JSON] [--seed N] [--no-auth]
env: LLM_EMULATOR_PORT, LLM_EMULATOR_HOST, LLM_EMULATOR_LATENCY, LLM_EMULATOR_TOKENS_PER_SECOND,
     LLM_EMULATOR_FAULTS, LLM_EMULATOR_QUOTAS, LLM_EMULATOR_SEED, LLM_EMULATOR_REQUIRE_AUTH (flags win)`;

function parseJson(name: string, text: string, problems: string[]): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    problems.push(`${name}: not valid JSON`);
    return undefined;
  }
}

function parseInteger(name: string, text: string, min: number, max: number, problems: string[]): number | undefined {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name}: expected an integer in ${min}..${max}, got "${text}"`);
    return undefined;
  }
  return n;
}

/** CLI options from flags (preferred) and `LLM_EMULATOR_*` env. Throws ConfigError listing every problem. */
export function loadEmulatorConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): EmulatorOptions {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        latency: { type: 'string' },
        'tokens-per-second': { type: 'string' },
        faults: { type: 'string' },
        quotas: { type: 'string' },
        seed: { type: 'string' },
        'no-auth': { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    throw new ConfigError([`${(err as Error).message}\n${USAGE}`], { cause: err });
  }
  const pick = (flag: string, envName: string): [string, string] | undefined => {
    const f = flags[flag];
    if (typeof f === 'string') return [`--${flag}`, f];
    const e = env[envName];
    return e !== undefined && e !== '' ? [envName, e] : undefined;
  };
  const problems: string[] = [];
  const options: EmulatorOptions = { port: DEFAULT_PORT, host: '127.0.0.1' };

  const port = pick('port', 'LLM_EMULATOR_PORT');
  if (port) options.port = parseInteger(port[0], port[1], 0, 65535, problems);
  const host = pick('host', 'LLM_EMULATOR_HOST');
  if (host) options.host = host[1];

  const latency = pick('latency', 'LLM_EMULATOR_LATENCY') ?? ['default latency', DEFAULT_CLI_LATENCY];
  try {
    options.latency = parseLatency(latency[1]);
  } catch (err) {
    problems.push(`${latency[0]}: ${(err as Error).message}`);
  }

  const tps = pick('tokens-per-second', 'LLM_EMULATOR_TOKENS_PER_SECOND');
  if (tps) options.tokensPerSecond = parseInteger(tps[0], tps[1], 0, 100_000, problems);
  const seed = pick('seed', 'LLM_EMULATOR_SEED');
  if (seed) options.seed = parseInteger(seed[0], seed[1], 0, 2 ** 32 - 1, problems);

  const faults = pick('faults', 'LLM_EMULATOR_FAULTS');
  if (faults) {
    const value = parseJson(faults[0], faults[1], problems);
    if (value !== undefined) {
      const r = FaultsSchema.safeParse(value);
      if (r.success) options.faults = r.data;
      else problems.push(...r.error.issues.map((i) => `${faults[0]}.${i.path.join('.')}: ${i.message}`));
    }
  }
  const quotas = pick('quotas', 'LLM_EMULATOR_QUOTAS');
  if (quotas) {
    const value = parseJson(quotas[0], quotas[1], problems);
    if (value !== undefined) {
      const r = QuotasSchema.safeParse(value);
      if (r.success) options.quotas = r.data;
      else problems.push(...r.error.issues.map((i) => `${quotas[0]}.${i.path.join('.')}: ${i.message}`));
    }
  }

  const auth = env['LLM_EMULATOR_REQUIRE_AUTH'];
  if (flags['no-auth'] === true) options.requireAuth = false;
  else if (auth !== undefined && auth !== '') {
    if (auth === 'true' || auth === 'false') options.requireAuth = auth === 'true';
    else problems.push(`LLM_EMULATOR_REQUIRE_AUTH: expected true or false, got "${auth}"`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(options);
}
