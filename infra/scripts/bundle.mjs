#!/usr/bin/env node
// Bundles each service's `apps/<service>/src/main.ts` into one ESM file for the container image:
//   infra/dist-bundles/<service>/main.mjs (+ .map) and a package.json naming the few packages left external.
// Workspace packages (@supportmesh/*) resolve to their TypeScript sources through the `@supportmesh/source`
// condition and are bundled with every third-party dependency, so the image needs no node_modules unless a
// package must stay external (native addons, files read from its own folder): list those in EXTERNAL below.
//
// Usage: node infra/scripts/bundle.mjs [service ...]   (default: every service in the catalogue)
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const infraDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(infraDir, '..');
const outRoot = join(infraDir, 'dist-bundles');

/** Packages that cannot be bundled, per service (installed with `npm install --omit=dev` in the image). */
const EXTERNAL = {};

/** The catalogue's service list: bundle the TypeScript catalogue on the fly and import it. */
async function catalogueServices() {
  const result = await build({
    entryPoints: [join(infraDir, 'src', 'catalogue.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['@supportmesh/source'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  return mod.APP_SERVICES;
}

/** Version of a dependency as the app (or the root) declares it. */
function declaredVersion(service, pkg) {
  for (const file of [join(repoRoot, 'apps', service, 'package.json'), join(repoRoot, 'package.json')]) {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const version = json.dependencies?.[pkg] ?? json.devDependencies?.[pkg];
    if (version) return version;
  }
  throw new Error(`${service}: external package ${pkg} is not a declared dependency`);
}

/** The app's own version (apps/<service>/package.json), carried into the image's package.json. */
function appVersion(service) {
  return JSON.parse(readFileSync(join(repoRoot, 'apps', service, 'package.json'), 'utf8')).version ?? '0.0.0';
}

/** Bundles one service; returns the output file, or undefined when the app has no entrypoint yet. */
export async function bundleService(service, { outDir = join(outRoot, service), quiet = false } = {}) {
  const entry = join(repoRoot, 'apps', service, 'src', 'main.ts');
  if (!existsSync(entry)) {
    if (!quiet) console.log(`skip ${service}: ${relative(repoRoot, entry)} does not exist yet`);
    return undefined;
  }
  const external = EXTERNAL[service] ?? [];
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'main.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    conditions: ['@supportmesh/source'],
    external,
    sourcemap: true,
    minify: false,
    legalComments: 'linked',
    logLevel: quiet ? 'silent' : 'warning',
    // CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __smCreateRequire } from 'node:module'; const require = __smCreateRequire(import.meta.url);",
    },
  });
  // Files an app reads at start (training examples, help-center articles, speech models) travel beside the bundle.
  for (const folder of ['data', 'models']) {
    const from = join(repoRoot, 'apps', service, folder);
    if (existsSync(from)) cpSync(from, join(outDir, folder), { recursive: true });
  }
  const dependencies = Object.fromEntries(external.map((pkg) => [pkg, declaredVersion(service, pkg)]));
  writeFileSync(
    join(outDir, 'package.json'),
    `${JSON.stringify({ name: `@supportmesh/${service}-image`, version: appVersion(service), private: true, type: 'module', main: 'main.mjs', dependencies }, null, 2)}\n`,
  );
  if (!quiet) console.log(`bundled ${service} -> ${relative(repoRoot, outfile)}`);
  return outfile;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const known = await catalogueServices();
  const requested = process.argv.slice(2);
  for (const s of requested) if (!known.includes(s)) throw new Error(`unknown service ${s}; known: ${known.join(', ')}`);
  for (const service of requested.length > 0 ? requested : known) await bundleService(service);
}
