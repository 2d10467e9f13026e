import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.slow.test.ts', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Two files at a time on two cores (vitest's default is cores − 1): many suites wait on child
    // processes, sockets and timers rather than the CPU.
    maxWorkers: 2,
  },
});
