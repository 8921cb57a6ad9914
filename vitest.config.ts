import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Store suites open real files and servers; keep them in separate processes.
    pool: 'forks',
  },
});
