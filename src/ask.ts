/**
 * npm run ask -- [--json] [--stdin] [--results N] [--article NAME] [--explain] [--verbose] "question"
 */
import { createInterface } from 'node:readline';
import { parseResultsOption, RESULTS_OPTION_HELP } from './app/terminal.js';
import { ask, resolveArticle } from './commands/commands.js';
import { entryCommandLine, fatal, startServices, startupConfig } from './entry.js';
import { explainQuestion, renderExplain } from './render/explain.js';
import { answerJson } from './render/json.js';
import { plainStyle, renderAsk, ttyStyle, wrapText } from './render/terminal.js';
import { progressLine } from './terminal/progress.js';
import { echoLine, outputWidth } from './terminal/repl.js';

const USAGE = `usage: npm run ask -- [options] "question"
  --json            print one JSON object (with --stdin: one per input line)
  --stdin           read one question per line from standard input
  --results N       ${RESULTS_OPTION_HELP}
  --article NAME    only this article (file or title)
  --explain         show how the question was processed and why each passage ranked
  --verbose         show info log lines (LOG_LEVEL, when set, decides instead)
  --version         print the version
  --help            this text`;

const parsed = entryCommandLine(
  USAGE,
  {
    json: { type: 'boolean' },
    stdin: { type: 'boolean' },
    results: { type: 'string' },
    article: { type: 'string' },
    explain: { type: 'boolean' },
    verbose: { type: 'boolean' },
    version: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  true,
);
const { values, positionals } = parsed;
let results: number | undefined;
if (values.results !== undefined) {
  const r = parseResultsOption(values.results);
  if (!r.ok) fatal(r.message, 2);
  results = r.results;
}
const question = positionals.join(' ');
if (!values.stdin && !question.trim()) fatal(`no question given\n${USAGE}`, 2);

const { config, log } = startupConfig({ quiet: !values.verbose });
const progress = progressLine(process.stderr);
// One-shot answers wait for the passage vectors, so every run answers with the semantic stage
// (the first run embeds, with a progress line; later ones load the vector cache).
const services = await startServices(config, log, {
  onEmbedProgress: progress.update,
  waitForSemantic: true,
});
progress.clear();

const article = values.article?.trim() ? values.article : undefined;
if (article !== undefined) {
  const found = resolveArticle(services, article);
  if ('kind' in found) {
    const files = services.library.index.articles.map((a) => a.file);
    const tied = services.library.index.matchArticle(article).tied.length > 1;
    fatal(
      tied
        ? `--article ${found.message}`
        : `no article matches --article ${JSON.stringify(article.length > 80 ? `${article.slice(0, 80)}…` : article)}; the articles are: ${
            files.length ? `${files.slice(0, 20).join(', ')}${files.length > 20 ? ', …' : ''}` : '(none)'
          }`,
      2,
    );
  }
}

const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const style = colour ? ttyStyle : plainStyle;
const answerOne = async (q: string): Promise<string> => {
  const req = {
    question: q,
    ...(results !== undefined ? { results } : {}),
    ...(article !== undefined ? { article } : {}),
  };
  const result = await ask(services, req);
  if (values.json) return JSON.stringify(answerJson(q, result));
  const text =
    values.explain && result.kind === 'answer'
      ? renderExplain(explainQuestion(services.library.index, q, result.answer, result.queryVector), style)
      : renderAsk(result, style);
  return wrapText(text, outputWidth(process.stdout));
};

if (values.stdin) {
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    if (values.json) {
      // One JSON object per input line, blank ones included, so outputs line up with inputs.
      process.stdout.write(`${await answerOne(line)}\n`);
    } else if (line.trim()) {
      process.stdout.write(`${echoLine(line)}\n${await answerOne(line)}\n\n`);
    }
  }
} else {
  process.stdout.write(`${await answerOne(question)}\n`);
}
await services.close?.();
