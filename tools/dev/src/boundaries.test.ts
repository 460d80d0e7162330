import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries (npm run lint)', () => {
  // The Nx rule reads the cached project graph; `npm run lint` computes it first (nx run-many), and so does this.
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
  }, 120_000);

  it('fails an import from one app into another app', async () => {
    const errors = await boundaryErrors('apps/gateway/src/probe.ts', "import { x } from '@supportmesh/critic';\nexport const y = x;\n");
    expect(errors.join('\n')).toMatch(/tagged with/);
  }, 60_000);

  it('fails an agent importing another agent even from a test file', async () => {
    const errors = await boundaryErrors('apps/critic/src/probe.test.ts', "import { x } from '@supportmesh/escalation';\nexport const y = x;\n");
    expect(errors.length).toBeGreaterThan(0);
  }, 60_000);

  it('lets an app import the shared packages', async () => {
    const errors = await boundaryErrors(
      'apps/gateway/src/probe.ts',
      "import { SERVICE_PORTS } from '@supportmesh/contracts';\nimport { createLogger } from '@supportmesh/telemetry';\nexport const y = [SERVICE_PORTS, createLogger];\n",
    );
    expect(errors).toEqual([]);
  }, 60_000);
});
