/**
 * npm run feedback -- export [FILE] | import FILE | purge
 *
 * Moves picks between deployments as JSON lines (src/learning/transfer.ts). Import checks every
 * line against the current corpus: a line whose passage is not found is reported with its number
 * and skipped, the rest are imported. The running bots pick up what was imported within a few
 * seconds (they watch the store's revision).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { entryCommandLine, fatal, openDataStore, startServices, startupConfig } from './entry.js';
import { exportPickLines, picksFromLines, resolvePickLines } from './learning/transfer.js';

const USAGE = `usage: npm run feedback -- <command>
  export [FILE]     write every pick (not undone) as JSON lines to FILE, or to standard output
  import FILE       add the picks in FILE (one JSON object per line:
                    {"question", "file"?, "passage", "verdict": "answer"|"none", "by": "moderator"|"user"});
                    lines whose passage is not in the current corpus are reported and skipped
  purge             delete votes, picks, answers, logged questions, audit entries and decided or
                    expired proposals older than FEEDBACK_RETENTION_DAYS now
  --version         print the version
  --help            this text
DATABASE_URL (PostgreSQL) or DATA_DIR (SQLite, default .data) selects the store, as for every entry point.`;

const { positionals } = entryCommandLine(
  USAGE,
  { version: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  true,
);
const [command, file, extra] = positionals;
if (!command) fatal(`no command given\n${USAGE}`, 2);
if (extra !== undefined) fatal(`unexpected argument '${extra}'\n${USAGE}`, 2);
if (command !== 'export' && command !== 'import' && command !== 'purge') {
  fatal(`unknown command '${command}'\n${USAGE}`, 2);
}
if (command === 'import' && file === undefined) fatal(`import needs a FILE\n${USAGE}`, 2);
if (command === 'purge' && file !== undefined) fatal(`unexpected argument '${file}'\n${USAGE}`, 2);

const { config, log } = startupConfig({ quiet: true });
const store = await openDataStore(config);
try {
  if (command === 'export') {
    const lines = exportPickLines(await store.activePicks());
    const text = lines.length ? `${lines.join('\n')}\n` : '';
    if (file === undefined) process.stdout.write(text);
    else {
      writeFileSync(file, text);
      process.stderr.write(`citebot: wrote ${lines.length} picks to ${file}\n`);
    }
  } else if (command === 'purge') {
    const cut = Date.now() - config.feedbackRetentionDays * 86_400_000;
    const r = await store.purge(cut);
    process.stderr.write(
      `citebot: deleted ${r.answers} answers, ${r.votes} votes, ${r.picks} picks, ${r.questions} questions, ${r.audit} audit entries and ${r.proposals} proposals older than ${config.feedbackRetentionDays} days\n`,
    );
  } else {
    let text: string;
    try {
      text = readFileSync(file as string, 'utf8');
    } catch (err) {
      fatal(`can't read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    // The passages are looked up in the current corpus (its snapshot: no sentence model needed).
    const services = await startServices({ ...config, semantic: false }, log, { store: false });
    const { lines, bad } = resolvePickLines(services.library.index, text);
    for (const b of bad) process.stderr.write(`${file}:${b.line}: skipped: ${b.reason}\n`);
    for (const pick of picksFromLines(lines)) await store.addPick(pick);
    process.stderr.write(
      `citebot: imported ${lines.length} picks into ${store.description}${bad.length ? `; skipped ${bad.length} lines (listed above)` : ''}\n`,
    );
    await services.close?.();
    process.exitCode = bad.length ? 1 : 0;
  }
} finally {
  await store.close();
}
