/**
 * The import rules (eslint.config.js): ESLint's own Node API lints small sources placed, by their
 * file path, in each part of the layout, and reports what no-restricted-imports says.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
// The import rules need no type information; without it a made-up file path lints quickly.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

/** The no-restricted-imports messages for `source` as if it were the file `file`. */
async function restricted(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: [file: string, source: string, refused: boolean][] = [
  ['src/core/new.ts', "import { readFileSync } from 'node:fs';", true],
  ['src/core/new.ts', "import { readFileSync } from 'fs';", true],
  ['src/core/new.ts', "import type { APIInteraction } from 'discord-api-types/v10';", true],
  ['src/core/new.ts', "import { REST } from '@discordjs/rest';", true],
  ['src/core/new.ts', "import { Client } from 'discord.js';", true],
  ['src/core/new.ts', "import type { Library } from '../corpus/library.js';", true],
  ['src/core/new.ts', "import { tokenize } from './text.js';", false],
  ['src/core/new.ts', "import MiniSearch from 'minisearch';", false],
  ['src/core/index/part.ts', "import { tokenize } from '../text.js';", false],
  ['src/core/index/part.ts', "import { createLogger } from '../../log.js';", true],
  ['src/interactions/handler.ts', "import { Client } from 'discord.js';", true],
  ['src/interactions/handler.ts', "import { createServer } from 'node:http';", true],
  ['src/interactions/handler.ts', "import type { APIInteraction } from 'discord-api-types/v10';", false],
  ['src/discord/new.ts', "import { Client } from 'discord.js';", true],
  ['src/commands/new.ts', "import { createServer } from 'http';", true],
  ['src/transports/gateway/client.ts', "import { Client } from 'discord.js';", false],
  ['src/transports/gateway/client.ts', "import { createServer } from 'node:http';", true],
  ['src/transports/http/server.ts', "import { createServer } from 'node:http';", false],
  ['src/transports/http/server.ts', "import { Client } from 'discord.js';", true],
  ['src/config.ts', "import { LOG_LEVELS } from './log.js';", true],
  ['src/config.ts', "import { LOG_LEVELS } from './log-levels.js';", false],
  ['src/discord/render-new.ts', "import type { Library } from '../corpus/library.js';", true],
  ['src/app/new.ts', "import { randomBytes } from 'node:crypto';", true],
  ['src/learning/new.ts', "import { Kysely } from 'kysely';", true],
  ['src/commands/new.ts', "import Sqlite from 'better-sqlite3';", true],
  ['src/transports/http/new.ts', "import { Kysely } from 'kysely';", true],
  ['src/store/new.ts', "import { Kysely } from 'kysely';", false],
  ['src/learning/new.ts', "import pg from 'pg';", true],
  ['src/transports/http/new.ts', "import pg from 'pg';", true],
  ['src/store/new.ts', "import pg from 'pg';", false],
  ['src/store/new.ts', "import type { Passage } from '../core/types.js';", true],
  ['src/store/new.ts', "import type { FeedbackStore } from './types.js';", false],
  ['src/ingest/new.ts', "import { request } from 'node:http';", false],
  ['src/ingest/new.ts', "import { request } from 'node:https';", false],
  ['src/ingest/new.ts', "import { lookup } from 'node:dns/promises';", false],
  ['src/ingest/new.ts', "import { createGunzip } from 'node:zlib';", false],
  ['src/ingest/new.ts', "import { parseHTML } from 'linkedom';", false],
  ['src/ingest/new.ts', "import { Readability } from '@mozilla/readability';", false],
  ['src/ingest/new.ts', "import type { Passage } from '../core/types.js';", false],
  ['src/ingest/new.ts', "import { IngestError } from './types.js';", false],
  ['src/ingest/new.ts', "import { createLogger } from '../log.js';", true],
  ['src/ingest/new.ts', "import type { ArticleInput } from '../manage/types.js';", true],
  ['src/ingest/new.ts', "import { Client } from 'discord.js';", true],
  ['src/ingest/new.ts', "import { Kysely } from 'kysely';", true],
  ['src/ingest/parts/new.ts', "import { IngestError } from '../types.js';", false],
  ['src/ingest/parts/new.ts', "import { createLogger } from '../../log.js';", true],
  ['src/manage/new.ts', "import { parseHTML } from 'linkedom';", true],
  ['src/manage/new.ts', "import { fetchText } from '../ingest/fetch.js';", false],
  ['src/corpus/new.ts', "import { Readability } from '@mozilla/readability';", true],
  ['src/core/new.ts', "import { parseHTML } from 'linkedom';", true],
  ['src/store/new.ts', "import { parseHTML } from 'linkedom';", true],
  ['src/transports/http/new.ts', "import { Readability } from '@mozilla/readability';", true],
  ['src/transports/gateway/new.ts', "import { parseHTML } from 'linkedom';", true],
  [
    'test/new.test.ts',
    "import { Client } from 'discord.js';\nimport { createServer } from 'node:http';",
    false,
  ],
  ['bench/new.ts', "import { Client } from 'discord.js';", false],
  ['src/ops/new.ts', "import { Registry } from 'prom-client';", false],
  ['src/ops/new.ts', "import type { Library } from '../corpus/library.js';", false],
  ['src/ops/new.ts', "import type { WorkQueue } from '../discord/queue.js';", false],
  ['src/ops/new.ts', "import { createServer } from 'node:http';", true],
  ['src/ops/new.ts', "import { createHandler } from '../interactions/handler.js';", true],
  ['src/ops/new.ts', "import { startOpsServer } from '../transports/http/ops-server.js';", true],
  ['src/interactions/new.ts', "import { Registry } from 'prom-client';", true],
  ['src/transports/http/new.ts', "import { Registry } from 'prom-client';", true],
  ['src/core/new.ts', "import { Registry } from 'prom-client';", true],
  ['src/store/new.ts', "import { Registry } from 'prom-client';", true],
];

describe('import rules', () => {
  it.each(cases)('%s: %s → refused %s', async (file, source, refused) => {
    const messages = await restricted(file, `${source}\nexport {};\n`);
    if (refused) expect(messages).toHaveLength(1);
    else expect(messages).toEqual([]);
  });
});
