// ESLint: typescript-eslint's type-aware recommended rules; Prettier owns formatting; and the
// import rules of ARCHITECTURE.md, enforced with no-restricted-imports per folder.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const DISCORD_JS = {
  name: 'discord.js',
  message: 'discord.js belongs to the gateway transport only (src/transports/gateway/).',
};
const NODE_HTTP = ['node:http', 'http'].map((name) => ({
  name,
  message: 'node:http belongs to the HTTP transport only (src/transports/http/).',
}));
const DATABASE = ['kysely', 'better-sqlite3', 'pg'].map((name) => ({
  name,
  message: 'The database belongs to the store only (src/store/).',
}));
const READER = ['linkedom', '@mozilla/readability'].map((name) => ({
  name,
  message: 'Parsing web pages belongs to ingest only (src/ingest/).',
}));
const METRICS = {
  name: 'prom-client',
  message: 'Metrics belong to src/ops/ (the Metrics class); count through it.',
};
/** Node's built-in modules, with and without the node: prefix. */
const BUILTINS = {
  paths: builtinModules.map((name) => ({ name, message: 'No Node built-ins here: this code is pure.' })),
  patterns: [{ group: ['node:*'], message: 'No Node built-ins here: this code is pure.' }],
};

/** One no-restricted-imports setting for `files`. For a file several match, the last one wins. */
function restrict(files, { paths = [], patterns = [] }, ignores = []) {
  return { files, ignores, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

/** src/core/: core files and pure npm packages only (nothing of Discord, no Node, nothing of ours). */
const core = [1, 2, 3].map((depth) =>
  restrict([`src/core/${'*/'.repeat(depth - 1)}*.ts`], {
    paths: [DISCORD_JS, METRICS, ...READER, ...BUILTINS.paths],
    patterns: [
      ...BUILTINS.patterns,
      {
        group: ['@discordjs/*', 'discord-api-types', 'discord-api-types/*'],
        message: 'core knows nothing of Discord.',
      },
      { regex: `^(\\.\\./){${depth}}`, message: 'core imports only core (src/core/).' },
    ],
  }),
);

/** src/ingest/: the network and the page parser allowed; of ours, only src/core/. */
const ingest = [1, 2, 3].map((depth) =>
  restrict([`src/ingest/${'*/'.repeat(depth - 1)}*.ts`], {
    paths: [DISCORD_JS, METRICS, ...DATABASE],
    patterns: [
      {
        regex: `^(\\.\\./){${depth}}(?!core/)`,
        message: 'ingest imports nothing else of ours (src/core/ at most).',
      },
    ],
  }),
);

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'corpus/',
      'bench/results/',
      '.cache/',
      'coverage/',
      '.data/',
      'tools/no-prebuild/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  // Everywhere in src/ (src/interactions/ and src/discord/ included): no discord.js, no node:http.
  // Tests, bench/ and scripts/ are free.
  // The database packages only in src/store/; the HTML parser and extractor only in src/ingest/.
  // prom-client only in src/ops/.
  restrict(['src/**/*.ts'], { paths: [DISCORD_JS, METRICS, ...NODE_HTTP, ...DATABASE, ...READER] }),
  restrict(['src/transports/gateway/**/*.ts'], { paths: [METRICS, ...NODE_HTTP, ...DATABASE, ...READER] }),
  restrict(['src/transports/http/**/*.ts'], { paths: [DISCORD_JS, METRICS, ...DATABASE, ...READER] }),
  // Operations (metrics, health): prom-client; of ours the corpus, the work queue and the log (no
  // surface, no transport, no network server).
  restrict(['src/ops/**/*.ts'], {
    paths: [DISCORD_JS, ...NODE_HTTP, ...DATABASE, ...READER],
    patterns: [
      {
        group: [
          '../interactions/*',
          '../transports/*',
          '../commands/*',
          '../terminal/*',
          '../app.js',
          '../entry.js',
        ],
        message: 'ops imports no surface or transport (the corpus, the work queue and the log at most).',
      },
    ],
  }),
  // Ingest fetches from outside (node:http, node:https, node:dns, node:net, node:zlib) and parses
  // pages (linkedom, Readability), importing nothing else of ours but src/core/.
  ...ingest,
  // The store: the database behind one interface, importing nothing else of ours.
  restrict(['src/store/**/*.ts'], {
    paths: [DISCORD_JS, METRICS, ...NODE_HTTP, ...READER],
    patterns: [{ regex: '^\\.\\./', message: 'The store imports only the store (src/store/).' }],
  }),
  // The command table is pure data: importable by every surface and transport.
  restrict(['src/app/**/*.ts'], {
    paths: [DISCORD_JS, METRICS, ...READER, ...BUILTINS.paths],
    patterns: BUILTINS.patterns,
  }),
  ...core,
  restrict(['src/config*.ts'], {
    paths: [
      DISCORD_JS,
      METRICS,
      ...NODE_HTTP,
      ...READER,
      { name: './log.js', message: 'config.ts imports nothing of ours (log levels: ./log-levels.js).' },
    ],
  }),
  restrict(['src/discord/render*.ts'], {
    paths: [DISCORD_JS, METRICS, ...NODE_HTTP, ...READER],
    patterns: [{ group: ['../corpus/*'], message: 'Rendering takes result data, not the corpus layer.' }],
  }),
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
