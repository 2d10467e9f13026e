import { defineConfig } from 'vitest/config';

/** `npm run test:slow`: the heavy cases (huge files, thousands of files, long fault sequences). */
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
