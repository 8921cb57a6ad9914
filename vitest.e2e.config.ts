import { defineConfig } from 'vitest/config';

/** `npm run test:e2e`: the playground driven in Debian Chromium, as a newcomer uses it. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
