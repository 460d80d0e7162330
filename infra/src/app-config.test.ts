import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_SERVICES } from './catalogue.js';
import { synthService } from './synth.js';

/**
 * The environment the prod manifests give each app (ConfigMap data + Key Vault secret keys) must pass that app's
 * own config validation — the check that catches a renamed variable or a missing secret before a rollout does.
 * Apps are loaded in a child process by file path (infra never imports an app).
 */
const repoRoot = new URL('../../', import.meta.url).pathname;

/** Placeholder values of the right shape for the secrets Key Vault would provide. */
const SECRET_PLACEHOLDERS: Record<string, string> = {
  REDIS_URL: 'rediss://:placeholder@redis-supportmesh-prod.redis.cache.windows.net:6380',
  GATEWAY_API_KEYS: JSON.stringify([{ id: 'frontend', sha256: 'a'.repeat(64), role: 'user', delegate: true }]),
};

function manifestEnv(service: (typeof APP_SERVICES)[number]): Record<string, string> {
  const objects = synthService(service, 'prod') as Array<{ kind: string; data?: Record<string, string>; spec?: Record<string, unknown> }>;
  const env: Record<string, string> = {};
  for (const o of objects) {
    if (o.kind === 'ConfigMap') Object.assign(env, o.data);
    if (o.kind === 'SecretProviderClass') {
      const secretObjects = (o.spec?.['secretObjects'] ?? []) as Array<{ data: Array<{ key: string }> }>;
      for (const so of secretObjects) for (const { key } of so.data) env[key] = SECRET_PLACEHOLDERS[key] ?? 'placeholder-secret';
    }
  }
  return env;
}

const LOADER = `
const [file, envJson] = process.argv.slice(1);
const mod = await import(file);
const load = Object.entries(mod).find(([k, v]) => /^load\\w*Config$/.test(k) && typeof v === 'function');
if (!load) { console.log(JSON.stringify({ ok: false, error: 'no load*Config export' })); process.exit(0); }
try { load[1](JSON.parse(envJson)); console.log(JSON.stringify({ ok: true })); }
catch (e) { console.log(JSON.stringify({ ok: false, error: String(e && e.message) })); }
`;

describe('the prod manifests configure every app the way its config schema expects', () => {
  const present = APP_SERVICES.filter((s) => existsSync(join(repoRoot, 'apps', s, 'src', 'config.ts')));
  it.each(present)('%s accepts its ConfigMap and secrets', (service) => {
    const out = execFileSync(
      process.execPath,
      ['--conditions=@supportmesh/source', '--import', 'tsx', '--input-type=module', '-e', LOADER, join(repoRoot, 'apps', service, 'src', 'config.ts'), JSON.stringify(manifestEnv(service))],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'] ?? '' } },
    );
    const result = JSON.parse(out.trim().split('\n').pop() as string) as { ok: boolean; error?: string };
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
  }, 60_000);

  it('runs every service in production mode, with no development keys', () => {
    for (const service of APP_SERVICES) {
      const env = manifestEnv(service);
      expect(env['SUPPORTMESH_ENV']).toBe('production');
      expect(Object.keys(env).filter((k) => k.startsWith('GATEWAY_DEV_'))).toEqual([]);
    }
  });
});
