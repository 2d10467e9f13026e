/**
 * npm run insights -- [--days N] [--json]
 *
 * What /insights shows, in the terminal: the most asked questions (grouped as the learning compares
 * questions), the declined ones, the answers voted down with their picks, and the articles and
 * sections quoted most and never, over the last N days of the store in DATA_DIR. Reads only: the
 * corpus snapshot (no passage embedding, no worker thread) and the sentence model for the
 * questions (when SEMANTIC is on).
 */
import { DEFAULT_INSIGHTS_DAYS } from './app/bounds.js';
import { DAYS_OPTION_HELP, parseDaysOption } from './app/terminal.js';
import { entryCommandLine, fatal, openDataStore, startServices, startupConfig } from './entry.js';
import { createInsights } from './insights/insights.js';
import type { InsightsReport } from './insights/types.js';
import { insightsJson, renderInsights } from './render/insights.js';
import { plainStyle, ttyStyle, wrapText } from './render/terminal.js';
import type { Embedder } from './semantic/embedder.js';
import { loadSemanticModel } from './semantic/models.js';
import { StoreError } from './store/types.js';
import { outputWidth } from './terminal/repl.js';

const USAGE = `usage: npm run insights -- [options]
  --days N          ${DAYS_OPTION_HELP}
  --json            print the whole report as one JSON object
  --version         print the version
  --help            this text
DATABASE_URL (PostgreSQL) or DATA_DIR (SQLite, default .data) selects the store, CORPUS_DIR the articles, as for every entry point.`;

const { values } = entryCommandLine(USAGE, {
  days: { type: 'string' },
  json: { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
});
let days = DEFAULT_INSIGHTS_DAYS;
if (values.days !== undefined) {
  const d = parseDaysOption(values.days);
  if (!d.ok) fatal(d.message, 2);
  days = d.days;
}

const { config, log } = startupConfig({ quiet: true });
const store = await openDataStore(config);
// The serving snapshot only: the passages' vectors are not needed to count quotes or group questions.
const services = await startServices({ ...config, semantic: false }, log, { store: false });
let embedder: Embedder | undefined;
if (config.semantic) {
  try {
    embedder = await loadSemanticModel(config.semanticModel);
  } catch (err) {
    log.warn('sentence model unavailable; grouping questions by shared words', {
      error: (err as Error).message,
    });
  }
}
let report: InsightsReport;
try {
  const insights = createInsights({
    store,
    library: services.library,
    log,
    ...(embedder ? { embedder } : {}),
  });
  report = await insights.report(days);
} catch (err) {
  await services.close?.();
  await store.close();
  if (err instanceof StoreError) fatal(err.message);
  throw err;
}
await services.close?.();
await store.close();
if (values.json) {
  process.stdout.write(`${JSON.stringify(insightsJson(report), null, 2)}\n`);
} else {
  const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const text = renderInsights(report, colour ? ttyStyle : plainStyle);
  process.stdout.write(`${wrapText(text, outputWidth(process.stdout))}\n`);
}
process.exitCode = 0;
