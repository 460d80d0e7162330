import { defineConfig } from 'vitest/config';

// One run over every project's own vitest.config.ts (`npm test`).
export default defineConfig({
  test: {
    projects: ['{packages,apps,tools}/*/vitest.config.ts', 'infra*/vitest.config.ts'],
  },
});
