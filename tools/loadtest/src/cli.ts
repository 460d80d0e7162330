import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { SERVICE_PORTS, type ServiceName } from '@supportmesh/contracts';
import { parseArgs, USAGE, type CompareArgs, type RunArgs } from './args.js';
import { compareResults, parseThresholds } from './compare.js';
import { assertLocalEndpoint, sameHostOnPort } from './endpoint.js';
import { isEndpointNotAllowedError } from './endpoint-not-allowed-error.js';
import { renderCompareMarkdown, renderMarkdown } from './report/markdown.js';
import { renderHtml } from './report/html.js';
import { renderCompareText, renderConsoleSummary } from './report/text.js';
import { LoadTestResult } from './result-schema.js';
import { runScenario, type Progress } from './runner.js';
import { describeScenario, findScenario, scaleScenario, scenarioNames, SCENARIOS, withDuration } from './scenarios.js';
import { isTargetUnreachableError } from './target-unreachable-error.js';
import { isUsageError, UsageError } from './usage-error.js';

/** The local run's development key (tools/dev prints it at `npm start`; production refuses it). */
export const LOCAL_DEV_API_KEY = 'sm_dev_local_only_0123456789abcdef';

/** Services scraped by default: everything with an HTTP /metrics in the local stack (the Cosmos stand-in has none). */
const SCRAPED: readonly ServiceName[] = (Object.keys(SERVICE_PORTS) as ServiceName[]).filter((n) => n !== 'cosmos');

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (the live progress line is drawn only then). */
  readonly isTTY: boolean;
  /** Relative paths resolve against this (npm's INIT_CWD: where the user typed the command). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Ctrl-C. */
  readonly stop?: AbortSignal;
}

/** Runs the CLI; resolves to the exit code (0 pass, 1 SLO broken / regression, 2 usage or setup error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    switch (args.command) {
      case 'help':
        io.stdout(`${USAGE}\n`);
        return 0;
      case 'list':
        io.stdout(`${'scenario'.padEnd(16)} ${'model'.padEnd(6)} ${'duration'.padStart(7)} ${'users'.padStart(12)}  ${'rate'.padEnd(22)} description\n`);
        for (const s of SCENARIOS) io.stdout(`${describeScenario(s)}\n`);
        io.stdout('\n--scale K multiplies users and rates; --duration S overrides the duration.\n');
        return 0;
      case 'compare':
        return await compare(args, io);
      case 'run':
        return await run(args, io);
    }
  } catch (err) {
    if (isUsageError(err)) {
      io.stderr(`error: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (isEndpointNotAllowedError(err) || isTargetUnreachableError(err)) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    io.stderr(`error: ${(err as Error)?.message ?? String(err)}\n`);
    return 2;
  }
}

/** Default scrape targets on the endpoint's host; the gateway is the endpoint itself. */
export function defaultServices(endpoint: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SCRAPED) out[name] = name === 'gateway' ? new URL(endpoint).origin : sameHostOnPort(endpoint, SERVICE_PORTS[name]);
  return out;
}

async function run(args: RunArgs, io: CliIo): Promise<number> {
  const found = findScenario(args.scenario);
  if (!found) throw new UsageError(`unknown scenario "${args.scenario}" (one of: ${scenarioNames().join(', ')})`);
  let scenario = scaleScenario(found, args.scale);
  if (args.durationS !== undefined) scenario = withDuration(scenario, args.durationS);
  const endpoint = assertLocalEndpoint(args.endpoint, '--endpoint');
  const services = Object.fromEntries(
    Object.entries(args.services ?? defaultServices(endpoint)).map(([name, url]) => [name, assertLocalEndpoint(url, `--services ${name}`)]),
  );
  const emulatorUrl = assertLocalEndpoint(args.emulator ?? sameHostOnPort(endpoint, SERVICE_PORTS['llm-emulator']), '--emulator');
  const output = resolve(io.cwd, args.output ?? join('loadtest-results', `${scenario.name}.json`));
  const stem = extname(output) === '.json' ? output.slice(0, -'.json'.length) : output;
  const htmlPath = resolve(io.cwd, args.html ?? `${stem}.html`);
  const mdPath = resolve(io.cwd, args.md ?? `${stem}.md`);

  const live = args.progress && io.isTTY;
  io.stderr(`running ${scenario.name} (×${scenario.scale}, ${scenario.durationS} s, ${scenario.model} model) against ${endpoint}\n`);
  const result = await runScenario({
    scenario,
    endpoint,
    apiKey: args.apiKey ?? io.env.SUPPORTMESH_API_KEY ?? LOCAL_DEV_API_KEY,
    userHeader: args.userHeader,
    services,
    emulatorUrl,
    timeoutMs: args.timeoutMs,
    seed: args.seed,
    arrivals: args.arrivals,
    uniqueMessages: !args.repeatMessages,
    ...(args.maxInFlight !== undefined ? { maxInFlight: args.maxInFlight } : {}),
    ...(live ? { onProgress: (p: Progress) => io.stderr(`\r\x1b[2K${progressLine(p)}`) } : {}),
    ...(io.stop ? { stop: io.stop } : {}),
  });
  if (live) io.stderr('\n');

  await writeOut(output, `${JSON.stringify(result, null, 2)}\n`);
  await writeOut(htmlPath, renderHtml(result));
  await writeOut(mdPath, renderMarkdown(result));
  io.stdout(`${renderConsoleSummary(result)}\n\nwrote ${output}\n      ${htmlPath}\n      ${mdPath}\n`);
  return result.passed ? 0 : 1;
}

/** The live progress line (one line, redrawn each second). */
export function progressLine(p: Progress): string {
  const t = `${p.t.toFixed(0).padStart(4)}/${p.durationS} s`;
  return `[${t}] ${p.requests} req  ${p.ok} ok  ${p.errors} err  ${p.rps} req/s  in-flight ${p.inFlight}  p95 ${Math.round(p.p95)} ms  breaker ${p.breaker}`;
}

async function writeOut(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function loadResult(path: string): Promise<LoadTestResult> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new UsageError(`cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  const parsed = LoadTestResult.safeParse(raw);
  if (!parsed.success) {
    const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
    throw new UsageError(
      version !== undefined && version !== 1
        ? `${path}: schemaVersion ${String(version)} is not supported (expected 1)`
        : `${path} is not a load-test result: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

async function compare(args: CompareArgs, io: CliIo): Promise<number> {
  const basePath = resolve(io.cwd, args.base);
  const currentPath = resolve(io.cwd, args.current);
  const thresholds = parseThresholds(args.thresholds);
  const verdict = compareResults(await loadResult(basePath), await loadResult(currentPath), thresholds);
  io.stdout(`${renderCompareText(verdict)}\n`);
  if (args.md) await writeOut(resolve(io.cwd, args.md), renderCompareMarkdown(verdict, args.base, args.current));
  return verdict.regression ? 1 : 0;
}
