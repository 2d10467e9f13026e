/**
 * `npm run eval -- --teach FILE [--rewordings FILE] [--lexical]`: learning, measured as it runs.
 * The picks in FILE are imported into a fresh temporary store (the same checks as
 * `npm run feedback -- import`), loaded back into the learning as a bot would load them, and
 * then the pair set's second wordings (test/eval/rewordings.json: each names the 0-based line of
 * FILE it rewords) and both question splits are asked with and without what was taught; and the
 * third split (written blind, no pair set of its own) as questions nobody taught.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CorpusIndex } from '../../src/core/corpus-index.js';
import { embedIndex } from '../../src/corpus/library.js';
import type { QuestionSet } from '../../src/eval/questions.js';
import {
  measureTeaching,
  type Rewording,
  type SplitTeaching,
  type TeachLine,
  type UntaughtFigures,
  untaughtFigures,
} from '../../src/eval/teach.js';
import { AnchorResolver } from '../../src/learning/anchor.js';
import { Learning } from '../../src/learning/learning.js';
import { picksFromLines, resolvePickLines } from '../../src/learning/transfer.js';
import { loadUseLite } from '../../src/semantic/embedder.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

/** The issue's targets, for the ✔/✘ column. */
const TARGETS = { hit3: 0.9, hit1: 0.75, untaught: 0.02, none: 0.9 };

const f2 = (x: number) => x.toFixed(2);

export async function evalTeach(options: {
  index: CorpusIndex;
  teachFile: string;
  rewordingsFile: string;
  untaught: Record<'dev' | 'test', QuestionSet>;
  /** Another question set nobody taught (the third split), measured with and without the picks. */
  blind?: QuestionSet;
  lexical: boolean;
}): Promise<void> {
  let { index } = options;
  const embedder = options.lexical ? undefined : await loadUseLite();
  if (embedder) index = await embedIndex(index, embedder);
  const dir = await mkdtemp(path.join(tmpdir(), 'citebot-eval-teach-'));
  const store = await openSqliteStore(dir);
  try {
    const { lines, bad } = resolvePickLines(index, await readFile(options.teachFile, 'utf8'));
    for (const b of bad) console.log(`${options.teachFile}:${b.line}: skipped: ${b.reason}`);
    for (const pick of picksFromLines(lines)) await store.addPick(pick);
    const picks = await store.activePicks();
    const learning = new Learning(embedder ? { embedder, model: embedder.model } : {});
    await learning.load(picks, []);
    const teaching = learning.teachingFor(index);
    // Which passage each line of FILE expects (0-based, as the rewordings name them), from the store's picks.
    const resolver = new AnchorResolver(index);
    const taught: TeachLine[] = [];
    picks.forEach((p, k) => {
      const line = lines[k]?.line;
      if (line === undefined) return;
      taught[line - 1] = {
        question: p.question,
        verdict: p.verdict,
        passageIds: p.anchors.flatMap((a) => resolver.resolve(a)?.id ?? []),
      };
    });
    const rewordings = (JSON.parse(await readFile(options.rewordingsFile, 'utf8')) as { items: Rewording[] })
      .items;
    const figures = await measureTeaching({
      index,
      taught,
      rewordings,
      untaught: options.untaught,
      ...(teaching ? { teaching } : {}),
      ...(embedder ? { embed: (texts: string[]) => embedder.embed(texts) } : {}),
    });
    console.log(
      `Learning: ${picks.length} picks imported from ${path.relative(process.cwd(), options.teachFile)} into a temporary store` +
        `${bad.length ? ` (${bad.length} lines skipped)` : ''}; ${embedder ? `semantic (${embedder.model})` : 'lexical only'}`,
    );
    console.log(renderTeaching(figures.dev, figures.test));
    if (options.blind) {
      const set = options.blind;
      let vectors: Map<string, Float32Array> | undefined;
      if (embedder && index.vectors) {
        const texts = [...new Set(set.questions.map((q) => q.q.trim()))];
        const made = await embedder.embed(texts);
        vectors = new Map(texts.map((t, i) => [t, made[i] as Float32Array]));
      }
      const without = untaughtFigures(index, set, vectors);
      const withPicks = teaching ? untaughtFigures(index, set, vectors, teaching) : without;
      console.log(`\n${renderBlind(without, withPicks)}`);
    }
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

type UntaughtKey = 'hit3' | 'unanswerableDeclined' | 'wronglyDeclined';

/** Learning must not harm what was not taught: at most TARGETS.untaught worse (`sign` −1: lower is better). */
function untaughtHeld(
  without: UntaughtFigures,
  withPicks: UntaughtFigures,
  k: UntaughtKey,
  sign: 1 | -1,
): boolean {
  return sign * (withPicks[k] - without[k]) >= -TARGETS.untaught;
}

/** "without → with" of one untaught figure. */
function untaughtCell(without: UntaughtFigures, withPicks: UntaughtFigures, k: UntaughtKey): string {
  return `${f2(without[k])} → ${f2(withPicks[k])}`;
}

/** The targets' table: dev and test side by side, before → after, with the target met or not. */
function renderTeaching(dev: SplitTeaching, test: SplitTeaching): string {
  const mark = (ok: boolean) => (ok ? '✔' : '✘');
  const row = (
    name: string,
    target: string,
    cell: (s: SplitTeaching) => string,
    ok: (s: SplitTeaching) => boolean,
  ) => `| ${name} | ${target} | ${cell(dev)} | ${cell(test)} ${mark(ok(test))} |`;
  const held = (k: UntaughtKey, sign: 1 | -1) => (s: SplitTeaching) =>
    !s.untaught || untaughtHeld(s.untaught.without, s.untaught.with, k, sign);
  const u = (s: SplitTeaching, k: UntaughtKey) =>
    s.untaught ? untaughtCell(s.untaught.without, s.untaught.with, k) : '–';
  return [
    `| figure (before → after teaching) | target | dev (n ${dev.answer.n}+${dev.none.n}) | test (n ${test.answer.n}+${test.none.n}) |`,
    '|---|---|---|---|',
    row(
      'second wordings, Hit@3',
      `≥ ${TARGETS.hit3}`,
      (s) => `${f2(s.answer.before.hit3)} → ${f2(s.answer.after.hit3)}`,
      (s) => s.answer.after.hit3 >= TARGETS.hit3,
    ),
    row(
      'second wordings, Hit@1',
      `≥ ${TARGETS.hit1}`,
      (s) => `${f2(s.answer.before.hit1)} → ${f2(s.answer.after.hit1)}`,
      (s) => s.answer.after.hit1 >= TARGETS.hit1,
    ),
    row(
      'taught "none": rewordings declined',
      `≥ ${TARGETS.none}`,
      (s) => `${f2(s.none.before)} → ${f2(s.none.after)}`,
      (s) => s.none.after >= TARGETS.none,
    ),
    row('untaught questions, Hit@3', `≥ −${TARGETS.untaught}`, (s) => u(s, 'hit3'), held('hit3', 1)),
    row(
      'untaught, unanswerable declined',
      `≥ −${TARGETS.untaught}`,
      (s) => u(s, 'unanswerableDeclined'),
      held('unanswerableDeclined', 1),
    ),
    row(
      'untaught, answerable wrongly declined',
      `≤ +${TARGETS.untaught}`,
      (s) => u(s, 'wronglyDeclined'),
      held('wronglyDeclined', -1),
    ),
  ].join('\n');
}

/** The third split's untaught figures without → with the picks, each held within TARGETS.untaught or not. */
function renderBlind(without: UntaughtFigures, withPicks: UntaughtFigures): string {
  const mark = (ok: boolean) => (ok ? '✔' : '✘');
  const cell = (k: UntaughtKey, sign: 1 | -1) =>
    `${untaughtCell(without, withPicks, k)} ${mark(untaughtHeld(without, withPicks, k, sign))}`;
  return [
    'third split (written blind), untaught: without → with the picks',
    `  Hit@3 ${cell('hit3', 1)}; unanswerable declined ${cell('unanswerableDeclined', 1)}; answerable wrongly declined ${cell('wronglyDeclined', -1)}`,
  ].join('\n');
}
