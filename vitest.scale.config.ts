import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** The store of every citebot a test starts without a DATA_DIR of its own: never the checkout's .data/. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'citebot-test-data-'));

/**
 * `npm run test:scale`: running at scale (a throw-away PostgreSQL cluster, several instances behind
 * nginx, a sharded gateway). A test whose service is missing is skipped with a line saying so, and
 * fails instead under CI=1 (`.ci/run` installs them).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.scale.test.ts'],
    passWithNoTests: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: each starts its own servers and processes.
    maxWorkers: 1,
    env: { DATA_DIR: dataDir },
  },
});
