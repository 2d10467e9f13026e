import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** The store of every citebot a test starts without a DATA_DIR of its own: never the checkout's .data/. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'citebot-test-data-'));

/** `npm run test:slow`: the heavy cases (huge files, thousands of files, long fault sequences). */
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    env: { DATA_DIR: dataDir },
  },
});
