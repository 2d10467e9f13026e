/**
 * npm run ask -- [--json] [--stdin] [--results N] [--article NAME] [--explain] "question"
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ask } from './commands/commands.js';
import { fatal, startServices, startupConfig } from './entry.js';
import { explainQuestion, renderExplain } from './render/explain.js';
import { answerJson } from './render/json.js';
import { ansiStyle, plainStyle, renderAsk } from './render/terminal.js';

const USAGE = `usage: npm run ask -- [options] "question"
  --json            print one JSON object (with --stdin: one per input line)
  --stdin           read one question per line from standard input
  --results N       passages to show (1-10, default 3)
  --article NAME    only this article (file or title)
  --explain         show how the question was processed and why each passage ranked
  --help            this text`;

let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
const options = {
  json: { type: 'boolean' },
  stdin: { type: 'boolean' },
  results: { type: 'string' },
  article: { type: 'string' },
  explain: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
try {
  parsed = parseArgs({ options, allowPositionals: true });
} catch (err) {
  fatal(`${(err as Error).message}\n${USAGE}`, 2);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let results: number | undefined;
if (values.results !== undefined) {
  results = Number(values.results);
  if (!Number.isInteger(results) || results < 1 || results > 10) {
    fatal(`--results must be a whole number from 1 to 10; got ${JSON.stringify(values.results)}`, 2);
  }
}
const question = positionals.join(' ');
if (!values.stdin && !question.trim()) fatal(`no question given\n${USAGE}`, 2);

const { config, log } = startupConfig();
const services = await startServices(config, log);

const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const answerOne = async (q: string): Promise<string> => {
  const req = {
    question: q,
    ...(results !== undefined ? { results } : {}),
    ...(values.article ? { article: values.article } : {}),
  };
  const result = await ask(services, req);
  if (values.json) return JSON.stringify(answerJson(q, result));
  if (values.explain && result.kind === 'answer') {
    return renderExplain(
      explainQuestion(services.library.index, q, result.answer, result.queryVector),
      colour ? ansiStyle : plainStyle,
    );
  }
  return renderAsk(result, colour ? ansiStyle : plainStyle);
};

if (values.stdin) {
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    if (!values.json && !line.trim()) continue;
    process.stdout.write(`${await answerOne(line)}\n`);
  }
} else {
  process.stdout.write(`${await answerOne(question)}\n`);
}
