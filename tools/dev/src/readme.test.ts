/**
 * Keeps the root README honest: every environment variable the code reads has a row in a README table, every root
 * npm script is in the Commands table, and the Ports table matches `SERVICE_PORTS`. Pure file reads, no processes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_PORTS } from '@supportmesh/contracts';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Variables set by the platform or npm, not configuration of ours. */
const IGNORED = new Set(['NODE_ENV', 'CI', 'HOME', 'PATH', 'INIT_CWD']);
const SKIP_DIRS = new Set(['node_modules', 'dist', 'dist-bundles', 'out-tsc', '__snapshots__', '.nx']);
const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]s$|\.d\.[cm]?ts$/;
const NAME = '[A-Z][A-Z0-9_]*';
/** A config module (`<project>/src/config.ts`): its zod schema keys and quoted UPPER_SNAKE literals are env names. */
const CONFIG_MODULE = /^(?:apps|packages|tools)\/[^/]+\/src\/config\.ts$/;

/** Removes block and line comments (a `//` counts only at a line start or after whitespace, so URLs survive). */
function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** Names of environment variables one source file reads. `configModule`: also schema keys and quoted names. */
function envNamesIn(source: string, configModule = false): Set<string> {
  const code = stripComments(source);
  const names = new Set<string>();
  const add = (re: RegExp, group = 1) => {
    for (const m of code.matchAll(re)) if (m[group]) names.add(m[group]);
  };
  // process.env.NAME, env.NAME, io.env.NAME, env?.NAME
  add(new RegExp(String.raw`(?:\bprocess\.env|\benv)\s*\??\.\s*(${NAME})\b`, 'g'));
  // process.env['NAME'], env["NAME"], env?.['NAME']
  add(new RegExp(String.raw`(?:\bprocess\.env|\benv)\s*(?:\?\.)?\[\s*(['"\x60])(${NAME})\1\s*\]`, 'g'), 2);
  // helper(env, 'NAME', …) as in envNumber(env, 'POOL_MAX_CONNECTIONS', problems)
  add(new RegExp(String.raw`\(\s*(?:process\.env|env)\s*,\s*(['"\x60])(${NAME})\1`, 'g'), 2);
  // const { A, B: b, C = 'x' } = process.env
  for (const m of code.matchAll(/\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(?:process\.env|env)\b/g)) {
    for (const part of (m[1] ?? '').split(',')) {
      const key = /^\s*([A-Z][A-Z0-9_]*)\s*(?:[:=]|$)/.exec(part)?.[1];
      if (key) names.add(key);
    }
  }
  if (configModule) {
    // zod schema keys: `  NAME: z.…` (also quoted keys)
    add(new RegExp(String.raw`^\s*['"]?(${NAME})['"]?\s*:`, 'gm'));
    // names passed around as strings: pick('port', 'LLM_EMULATOR_PORT'), path: ['ZENDESK_EMAIL']
    add(/(['"])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\1/g, 2);
  }
  for (const n of [...names]) if (IGNORED.has(n)) names.delete(n);
  return names;
}

function walk(dir: string, out: string[]): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(full, out);
    } else if (SOURCE_FILE.test(entry.name) && !TEST_FILE.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/** Non-test source files of every app, package and tool, and of infra (src, scripts). */
function sourceFiles(root = ROOT): string[] {
  const dirs: string[] = [path.join(root, 'infra/src'), path.join(root, 'infra/scripts')];
  for (const group of ['apps', 'packages', 'tools']) {
    const base = path.join(root, group);
    if (!existsSync(base)) continue;
    for (const p of readdirSync(base, { withFileTypes: true })) {
      if (p.isDirectory()) dirs.push(path.join(base, p.name, 'src'), path.join(base, p.name, 'scripts'));
    }
  }
  return dirs.flatMap((d) => walk(d, [])).sort();
}

/** Every env var the code reads → the files reading it (repo-relative). */
function envVarsReadByCode(root = ROOT): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    for (const name of envNamesIn(readFileSync(file, 'utf8'), CONFIG_MODULE.test(rel))) {
      found.set(name, [...(found.get(name) ?? []), rel]);
    }
  }
  return found;
}

/** Names in backticks in the first cell of a Markdown table row (`| \`A\`, \`B\` | default | meaning |`). */
function documentedInTables(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split('\n')) {
    const cell = /^\|([^|]*)\|/.exec(line.trim())?.[1];
    if (!cell) continue;
    for (const m of cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(m[1] as string);
  }
  return names;
}

/** The text of the `## <title>` section, up to the next `## ` heading. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) return '';
  const rest = markdown.slice(start + title.length + 5);
  const end = rest.search(/\n## /);
  return end < 0 ? rest : rest.slice(0, end);
}

const readme = () => readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('environment variable extraction', () => {
  it('finds process.env, env.X, env["X"], helper(env, "X") and destructuring reads', () => {
    const code = [
      "const a = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';",
      "const b = process.env['DEV_READY_TIMEOUT_MS'];",
      'const c = io.env.SUPPORTMESH_API_KEY;',
      "const d = env['LLM_DEPLOYMENTS'];",
      "const e = envNumber(env, 'POOL_MAX_CONNECTIONS', problems);",
      "const { COSMOS_PORT, LOG_LEVEL: level, FOO_BAR = 'x' } = process.env;",
      'const f = process.env?.OTEL_EXPORTER_OTLP_ENDPOINT;',
    ].join('\n');
    expect([...envNamesIn(code)].sort()).toEqual(
      ['COSMOS_PORT', 'DEV_READY_TIMEOUT_MS', 'FOO_BAR', 'LLM_DEPLOYMENTS', 'LOG_LEVEL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'POOL_MAX_CONNECTIONS', 'REDIS_URL', 'SUPPORTMESH_API_KEY'].sort(),
    );
  });

  it('ignores comments, platform variables and lower-case property reads', () => {
    const code = [
      '/** @default process.env.SOMETHING_IN_A_COMMENT */',
      '// process.env.LINE_COMMENT',
      "const url = 'http://127.0.0.1:8090'; // env.AFTER_CODE",
      "const p = process.env['PATH'] ?? process.env.NODE_ENV ?? process.env.INIT_CWD;",
      'const n = env.name; const x = someenv.NOT_ENV;',
    ].join('\n');
    expect([...envNamesIn(code)]).toEqual([]);
  });

  it('reads zod schema keys and quoted names only in config modules', () => {
    const code = "export const S = z.object({\n  PORT: z.coerce.number(),\n  'QUOTED_KEY': z.string(),\n});\npick('port', 'LLM_EMULATOR_PORT');\n";
    expect([...envNamesIn(code, true)].sort()).toEqual(['LLM_EMULATOR_PORT', 'PORT', 'QUOTED_KEY']);
    expect([...envNamesIn(code, false)]).toEqual([]);
  });

  it('reads the real code: the variables of every layer are found and test files are skipped', () => {
    const vars = envVarsReadByCode();
    for (const name of [
      'PORT', // every config schema
      'GATEWAY_API_KEYS', // gateway schema
      'ESCALATION_POLICY_INTENTS', // escalation schema
      'POOL_MAX_CONNECTIONS', // llm-client helper call
      'AZURE_OPENAI_ENDPOINT', // llm-client env['…']
      'LLM_EMULATOR_LATENCY', // emulator pick(flag, name)
      'REUSE_PORT', // service-kit process.env.X
      'OTEL_EXPORTER_OTLP_ENDPOINT', // telemetry
      'DEV_READY_TIMEOUT_MS', // tools/dev
      'SUPPORTMESH_IMAGE_TAG', // infra/src
      'SUPPORTMESH_API_KEY', // loadtest io.env.X
    ]) {
      expect(vars.has(name), name).toBe(true);
    }
    for (const files of vars.values()) for (const f of files) expect(f).not.toMatch(TEST_FILE);
    expect(vars.has('NODE_ENV')).toBe(false);
  });
});

describe('README.md', () => {
  it('documents every environment variable the code reads in a configuration table', () => {
    const documented = documentedInTables(readme());
    const missing = [...envVarsReadByCode()]
      .filter(([name]) => !documented.has(name))
      .map(([name, files]) => `${name} (read in ${files.join(', ')})`);
    expect(missing, `add a \`| \\\`NAME\\\` | default | meaning |\` row to README.md for:\n${missing.join('\n')}`).toEqual([]);
  });

  it('lists every root npm script in the Commands table, and no script that does not exist', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const commands = section(readme(), 'Commands');
    expect(commands).not.toBe('');
    const listed = new Set<string>();
    for (const m of commands.matchAll(/^\|\s*`npm (?:run )?([a-z][\w:-]*)/gm)) listed.add(m[1] as string);
    expect([...listed].sort()).toEqual([...scripts].sort());
  });

  it('has a Ports table matching SERVICE_PORTS', () => {
    const ports = section(readme(), 'Ports');
    for (const [name, port] of Object.entries(SERVICE_PORTS)) {
      expect(ports, name).toMatch(new RegExp(String.raw`^\|[^|\n]*\b${name}\b[^|\n]*\|\s*${port}\s*\|`, 'm'));
    }
  });

  it('gives the two set-up command pairs', () => {
    const text = readme();
    expect(text).toMatch(/npm install\s*\n\s*npm start/);
    expect(text).toMatch(/npm install\s*\n\s*npm test/);
  });
});
