import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles `apps/<service>/src/main.ts` of each service the way the container image does (infra/scripts/bundle.mjs:
 * one ESM file per service, workspace packages from source, every third-party dependency inlined, a `require`
 * banner, a source map, the app's `data/` beside it) into `<outRoot>/<service>/main.mjs`, in one esbuild run.
 * Returns the bundle path per service that has an entry.
 */
export async function bundleServices(repoRoot: string, services: readonly string[], outRoot: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  for (const service of services) {
    const entry = path.join(repoRoot, 'apps', service, 'src', 'main.ts');
    if (existsSync(entry)) entries[`${service}/main`] = entry;
  }
  if (Object.keys(entries).length === 0) return {};
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });
  await build({
    entryPoints: entries,
    outdir: outRoot,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: false,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    conditions: ['@supportmesh/source'],
    sourcemap: true,
    minify: false,
    legalComments: 'linked',
    logLevel: 'silent',
    banner: { js: "import { createRequire as __smCreateRequire } from 'node:module'; const require = __smCreateRequire(import.meta.url);" },
  });
  const out: Record<string, string> = {};
  for (const key of Object.keys(entries)) {
    const service = key.slice(0, -'/main'.length);
    const dataDir = path.join(repoRoot, 'apps', service, 'data');
    if (existsSync(dataDir)) cpSync(dataDir, path.join(outRoot, service, 'data'), { recursive: true });
    out[service] = path.join(outRoot, service, 'main.mjs');
  }
  return out;
}
