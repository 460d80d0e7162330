import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Shared per-project vitest settings: resolve workspace packages to their TypeScript
 * sources through the custom export condition, run in Node.
 */
export function project(name: string, extra: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ['@supportmesh/source'] },
    ssr: { resolve: { conditions: ['@supportmesh/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 20_000,
      hookTimeout: 30_000,
      ...extra,
    },
  });
}
