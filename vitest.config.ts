import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** The store of every citebot a test starts without a DATA_DIR of its own: never the checkout's .data/. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'citebot-test-data-'));

/** Files that replace a module for themselves (`vi.mock`): each gets fresh modules. */
const MOCKING = ['test/hostile-corpus.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    env: { DATA_DIR: dataDir },
    // Three files at a time on two cores (vitest's default is cores − 1): many suites wait on child
    // processes, sockets and timers rather than the CPU (3: 193 s, 2: 224 s for the same suite).
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          // The bundled corpus's snapshot and vectors, made once before the files that start citebot.
          globalSetup: ['test/warm-cache.ts'],
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.slow.test.ts', 'test/**/*.scale.test.ts', 'node_modules/**', ...MOCKING],
          // A worker runs its files one after another in one module graph: importing discord.js and
          // the rest again for every file was most of the suite's time. Files leave no global state.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'mocking', include: MOCKING } },
    ],
  },
});
