import nx from '@nx/eslint-plugin';

/**
 * Module boundaries on two tag axes (see STYLE.md):
 *   scope:{gateway,agent,speech,shared,infra,tools}  and  type:{app,lib,contracts,infra,tool}
 * Apps never import other apps; agents only import shared packages.
 * Tests (and `src/testing/`) may additionally use tools as test infrastructure — e.g. the LLM emulator —
 * but still never another app.
 */
function boundaries({ testsMayUseTools }) {
  const extraType = testsMayUseTools ? ['type:tool'] : [];
  const extraScope = testsMayUseTools ? ['scope:tools'] : [];
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      banTransitiveDependencies: false,
      depConstraints: [
        // type axis: what a kind of project may depend on
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', ...extraType] },
        { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', ...extraType] },
        { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
        { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
        // tools may drive other tools (the bench and the fault suite start the local stack of tools/dev)
        { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:tool'] },
        // scope axis: who may use whom
        { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', ...extraScope] },
        { sourceTag: 'scope:agent', onlyDependOnLibsWithTags: ['scope:shared', ...extraScope] },
        { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', ...extraScope] },
        { sourceTag: 'scope:speech', onlyDependOnLibsWithTags: ['scope:shared', ...extraScope] },
        { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:shared'] },
        { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools'] },
      ],
    },
  ];
}

const TEST_FILES = ['**/*.test.ts', '**/src/testing/**/*.ts'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/dist-bundles', '**/out-tsc', '**/node_modules', '**/.nx', '**/vitest.config.*.timestamp*', '**/test-output', 'infra/dist'] },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    // vitest.config.ts files import the root vitest.shared.ts (workspace tooling, not a project).
    ignores: ['**/vitest.config.ts', ...TEST_FILES],
    rules: { '@nx/enforce-module-boundaries': boundaries({ testsMayUseTools: false }) },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': boundaries({ testsMayUseTools: true }) },
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
