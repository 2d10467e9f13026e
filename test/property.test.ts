/**
 * Property tests (fast-check) of the renderers against hostile questions and
 * passage text: arbitrary Unicode, zero-width and bidi characters, emoji sequences,
 * Markdown, mentions, control characters and long strings, mixed into a small
 * in-memory corpus, answered by the real engine and rendered for Discord, the
 * terminal and JSON.
 *
 * Runs are reproducible: the seed is fixed (override with FC_SEED=<n>, or
 * FC_SEED=random); fast-check prints the seed and the shrunk counterexample on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AskResult, read } from '../src/commands/commands.js';
import { answerQuestion } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import type { Answer, AnswerPassage, Passage, SourceText, Span } from '../src/core/types.js';
import type { ReindexReport } from '../src/corpus/library.js';
import { CustomIdSigner } from '../src/discord/custom-id.js';
import { escapeText, truncate } from '../src/discord/escape.js';
import { LIMITS } from '../src/discord/limits.js';
import {
  boldQuote,
  renderAnswerPage,
  renderFullPassage,
  readPages,
  renderNote,
  renderRead,
  renderReindex,
  renderSources,
  type ReplyPayload,
} from '../src/discord/render.js';
import { AnswerStore, type StoredAnswer } from '../src/discord/store.js';
import { answerJson } from '../src/render/json.js';
import { ansiStyle, plainStyle, renderAsk } from '../src/render/terminal.js';
import { embedChars, isEscape, loneSurrogateAt, unformat, ZWSP } from './discord/markdown.js';

const SEED = process.env.FC_SEED === 'random' ? undefined : Number(process.env.FC_SEED ?? 20_250_719);
fc.configureGlobal({
  ...(SEED === undefined ? {} : { seed: SEED }),
  numRuns: 150,
  baseSize: 'medium',
  // Synchronous properties can't be stopped by vitest's timeout: bound each one (shrinking included).
  interruptAfterTimeLimit: 15_000,
  markInterruptAsFailure: true,
});

const SIGNER = new CustomIdSigner();

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/** Topic words: questions take some of these from the passage so that answers exist. */
const VOCAB = [
  'quokka',
  'marmalade',
  'zephyr',
  'lantern',
  'glacier',
  'falafel',
  'obsidian',
  'tundra',
  'saffron',
  'bramble',
  'nebula',
  'kestrel',
  'everyone',
];
const PLAIN_WORDS = [
  'The',
  'model',
  'Training',
  'data',
  'is',
  'of',
  'a',
  'In',
  '2024',
  'GPT-2',
  'open-source',
];
const PUNCT = [' ', ' ', ' ', ' ', '. ', '! ', '? ', ', ', ': ', '; ', '…', '“', '”', '"', "'", '(', ')'];
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'];
const BIDI = [
  ...['\u202a', '\u202b', '\u202c', '\u202d', '\u202e'],
  ...['\u2066', '\u2067', '\u2068', '\u2069'],
  ...['\u061c', '\u200e', '\u200f'],
];
const RTL_TEXT = [
  'مرحبا بالعالم',
  'العربية',
  'שלום עולם',
  'עברית',
  '\u202eevil.exe\u202c',
  '\u2067שלום\u2069',
];
const EMOJI = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🧑🏿‍💻', '👩🏻‍❤️‍💋‍👨🏼', '🇺🇸', '❤️', '🫶🏾', '𝕏', '𠜎', '#️⃣'];
const MARKDOWN = [
  ...['**', '__', '~~', '||', '*', '_', '~', '|', '`', '``', '```', '```js\nconst x = 1;\n```', '~~~'],
  ...['# ', '## Heading', '### ', '#', '> ', '>>> ', '>', '-# ', '- ', '* ', '+ ', '1. ', '10) '],
  ...['[text](https://example.com)', '[x]', '(https://e.com)', '![img](https://e.com/i.png)'],
  ...['\\', '\\*', '\\`', '\\\\', '<https://example.com>', 'https://example.com/a_b*c~d', ':smile:'],
  ...['**bold**', '__under__', '~~strike~~', '||spoiler||', '`code`', '*it*'],
];
const MENTIONS = [
  ...['@everyone', '@here', '@EVERYONE', '@Here', '@', '<', '<@', '@@everyone'],
  ...['<@123456789012345678>', '<@!123456789012345678>', '<@&123456789012345678>', '<#123456789012345678>'],
  ...['</ask:123456789012345678>', '</cmd sub:1>', '<t:123:R>', '<t:1700000000>', '<:x:123>'],
  ...['<a:wave:123456>', '<id:customize>'],
];
const CONTROLS = [
  ...['\0', '\r', '\n', '\r\n', '\n\n', '\t', '\x1b[31m', '\x1b]0;title\x07', '\x9b2J', '\x07'],
  ...['\b', '\u0085', '\u2028', '\u2029', '\x7f', '\v', '\f'],
];

/** Astral code points only: every character is a surrogate pair. */
const astral = fc.string({
  unit: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  maxLength: 12,
});

/** One piece of hostile text. */
const atom: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...VOCAB) },
  { weight: 4, arbitrary: fc.constantFrom(...PLAIN_WORDS) },
  { weight: 10, arbitrary: fc.constantFrom(...PUNCT) },
  { weight: 2, arbitrary: fc.constantFrom(...ZERO_WIDTH) },
  { weight: 2, arbitrary: fc.constantFrom(...BIDI) },
  { weight: 2, arbitrary: fc.constantFrom(...RTL_TEXT) },
  { weight: 2, arbitrary: fc.constantFrom(...EMOJI) },
  { weight: 4, arbitrary: fc.constantFrom(...MARKDOWN) },
  { weight: 4, arbitrary: fc.constantFrom(...MENTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...CONTROLS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: astral },
);

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
function cap(s: string, max: number): string {
  if (s.length <= max) return s;
  const c = s.charCodeAt(max - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

/** A long run: many atoms, or emoji/astral characters with no spaces (one huge "sentence"). */
const longRun: fc.Arbitrary<string> = fc.oneof(
  fc.array(atom, { minLength: 200, maxLength: 900 }).map((a) => cap(a.join(''), 3500)),
  fc
    .array(fc.oneof(fc.constantFrom(...EMOJI, ...VOCAB, '**', '<@1>', '\u200d'), astral), {
      minLength: 100,
      maxLength: 600,
    })
    .map((a) => cap(a.join(''), 3500)),
  // One escape-heavy paragraph: escaped, it passes the 4,096-character description limit.
  fc
    .array(fc.constantFrom(...MENTIONS, ...VOCAB, '**', '\\', '`', '_', '|', '~', '[', ']', ' '), {
      minLength: 1000,
      maxLength: 2500,
    })
    .map((a) => cap(a.join(''), 5000)),
);

/** Hostile text of up to ~6,000 characters: mostly short, sometimes with a long run inside. */
const hostileText: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 4, arbitrary: fc.array(atom, { maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(atom, { maxLength: 30 }), longRun, fc.array(atom, { maxLength: 30 }))
      .map(([a, run, b]) => [...a, run, ...b]),
  },
);

/** Inserts each word (with spaces around it) into the atoms at the given positions. */
function insertWords(
  atoms: readonly string[],
  words: readonly string[],
  positions: readonly number[],
): string {
  const out = [...atoms];
  words.forEach((w, i) => out.splice((positions[i] ?? 0) % (out.length + 1), 0, ` ${w} `));
  return cap(out.join(''), 6000);
}

const FILES = ['a.txt', 'b.md', 'c.txt'];

interface Case {
  sources: SourceText[];
  question: string;
  results: number;
  perPage: number;
  private: boolean;
  canPost: boolean;
}

const positions = fc.array(fc.nat(), { minLength: 4, maxLength: 4 });

/** A small corpus of hostile paragraphs sharing some topic words, and a hostile question using some of them. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    keys: fc.shuffledSubarray(VOCAB, { minLength: 2, maxLength: 4 }),
    paragraphs: fc.array(fc.tuple(hostileText, positions), { minLength: 1, maxLength: 3 }),
    question: fc.tuple(hostileText, positions),
    asked: fc.oneof(
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 1 }) },
      { weight: 6, arbitrary: fc.integer({ min: 2, max: 4 }) },
    ),
    results: fc.integer({ min: 1, max: 5 }),
    perPage: fc.integer({ min: 1, max: 5 }),
    private: fc.boolean(),
    canPost: fc.boolean(),
  })
  .map((r) => ({
    sources: r.paragraphs.map(([atoms, pos], i) => ({
      file: FILES[i] ?? `f${i}.txt`,
      text: `Title Line\n${insertWords(atoms, r.keys, pos)}\n`,
      hash: `h${i}`,
    })),
    question: insertWords(r.question[0], r.keys.slice(0, r.asked), r.question[1]),
    results: r.results,
    perPage: r.perPage,
    private: r.private,
    canPost: r.canPost,
  }));

/** Free hostile text (messages, file names, errors). */
const hostileString = hostileText.map((a) => cap(a.join(''), 6000));

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

/** Characters escapeText flattens to spaces: controls, line/paragraph separators, bidi controls. */
const FLATTENED = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f]/gu;
/** Raw mentions, channel links, slash-command links, custom emoji or timestamps left live. */
const LIVE_MENTION = /@(?:everyone|here)|<(?:@|#|\/|a?:|t:)/iu;

/** Lone surrogates as U+FFFD (what a renderer may show instead of half a character). */
function wellFormed(s: string): string {
  // With the u flag a surrogate class matches only lone halves: a pair is one astral code point.
  return s.replace(/[\ud800-\udfff]/gu, '\ufffd');
}

/** What the renderer may change in verbatim text: flattened characters become spaces, ZWSP and lone surrogates may go. */
function normalise(s: string): string {
  return wellFormed(s).replace(FLATTENED, ' ').replaceAll(ZWSP, '');
}

/** Formatting problems of Markdown text (message content, embed description, field value). */
function markdownProblems(s: string): string[] {
  const problems: string[] = [];
  let ticks = 0;
  let bold = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (isEscape(s, i)) {
      i++;
    } else if (c === '*') {
      if (s[i + 1] === '*') {
        bold++;
        i++;
      } else problems.push(`unescaped single * at ${i}`);
    } else if (c === '`') {
      ticks++;
    } else if ('_~|[]'.includes(c)) {
      problems.push(`unescaped ${c} at ${i}`);
    }
  }
  if (ticks % 2) problems.push(`odd number of unescaped backticks (${ticks})`);
  if (bold % 2) problems.push(`unbalanced ** markers (${bold})`);
  s.split('\n').forEach((line, n) => {
    // "-# " is the renderer's own subtext line; anything else block-level is from user/corpus text.
    if (/^\s*(?:>|#{1,3}\s|[-*+]\s|\d+\.\s)/u.test(line) && !line.startsWith('-# '))
      problems.push(`line ${n} starts a block: ${JSON.stringify(line.slice(0, 20))}`);
  });
  return problems;
}

/** Every text of a message, labelled, and whether Discord renders Markdown in it. */
function texts(p: ReplyPayload): { where: string; text: string; markdown: boolean }[] {
  const out = [{ where: 'content', text: p.content ?? '', markdown: true }];
  p.embeds.forEach((e, i) => {
    out.push({ where: `embed ${i} title`, text: e.title ?? '', markdown: false });
    out.push({ where: `embed ${i} description`, text: e.description ?? '', markdown: true });
    out.push({ where: `embed ${i} footer`, text: e.footer?.text ?? '', markdown: false });
    out.push({ where: `embed ${i} author`, text: e.author?.name ?? '', markdown: false });
    (e.fields ?? []).forEach((f, j) => {
      out.push({ where: `embed ${i} field ${j} name`, text: f.name, markdown: false });
      out.push({ where: `embed ${i} field ${j} value`, text: f.value, markdown: true });
    });
  });
  for (const row of p.components) {
    for (const b of row.components) {
      if ('label' in b) out.push({ where: 'button label', text: b.label ?? '', markdown: false });
    }
  }
  return out;
}

/** Properties 1–3 for one Discord reply: limits, valid UTF-16, no pings, balanced formatting. */
function checkReply(p: ReplyPayload): void {
  const errors: string[] = [];
  const over = (what: string, n: number, max: number) => {
    if (n > max) errors.push(`${what}: ${n} > ${max}`);
  };
  // 1. Limits.
  over('content', (p.content ?? '').length, LIMITS.content);
  over('embeds', p.embeds.length, LIMITS.embeds);
  over(
    'embed total',
    p.embeds.reduce((s, e) => s + embedChars(e), 0),
    LIMITS.embedTotal,
  );
  p.embeds.forEach((e, i) => {
    over(`embed ${i} title`, e.title?.length ?? 0, LIMITS.embedTitle);
    over(`embed ${i} description`, e.description?.length ?? 0, LIMITS.embedDescription);
    over(`embed ${i} footer`, e.footer?.text.length ?? 0, LIMITS.footerText);
    over(`embed ${i} author`, e.author?.name.length ?? 0, LIMITS.authorName);
    over(`embed ${i} fields`, e.fields?.length ?? 0, LIMITS.fields);
    (e.fields ?? []).forEach((f, j) => {
      over(`embed ${i} field ${j} name`, f.name.length, LIMITS.fieldName);
      over(`embed ${i} field ${j} value`, f.value.length, LIMITS.fieldValue);
    });
  });
  over('rows', p.components.length, LIMITS.rows);
  for (const row of p.components) {
    over('buttons per row', row.components.length, LIMITS.buttonsPerRow);
    for (const b of row.components) {
      if ('label' in b) over('button label', (b.label ?? '').length, LIMITS.buttonLabel);
      if ('custom_id' in b) {
        over('custom_id', b.custom_id.length, LIMITS.customId);
        if (!SIGNER.decode(b.custom_id)) errors.push(`custom_id does not verify: ${b.custom_id}`);
      }
    }
  }
  // 2. Pings no one.
  const am = p.allowed_mentions as { parse: unknown[]; replied_user?: boolean };
  if (am.parse.length !== 0 || Object.keys(am).some((k) => k !== 'parse' && k !== 'replied_user'))
    errors.push(`allowed_mentions ${JSON.stringify(am)}`);
  if ('replied_user' in am && am.replied_user !== false) errors.push('replied_user is not false');
  for (const t of texts(p)) {
    const bad = loneSurrogateAt(t.text);
    if (bad >= 0) errors.push(`${t.where}: lone surrogate at ${bad}`);
    const m = t.text.match(LIVE_MENTION);
    if (m) errors.push(`${t.where}: live mention ${JSON.stringify(m[0])} in ${JSON.stringify(t.text)}`);
    // 3. Formatting stays balanced.
    if (t.markdown)
      for (const e of markdownProblems(t.text)) errors.push(`${t.where}: ${e} in ${JSON.stringify(t.text)}`);
  }
  if (errors.length) throw new Error(errors.join('\n'));
}

/** Splits a quote into its body and the "…" marks the engine added where it cut. */
function quoteBody(quote: string, text: string): string | undefined {
  for (const pre of ['', '… ', '…']) {
    for (const post of ['', ' …', '…']) {
      if (quote.length < pre.length + post.length) continue;
      if (!quote.startsWith(pre) || !quote.endsWith(post)) continue;
      const body = quote.slice(pre.length, quote.length - post.length);
      if (text.includes(body)) return body;
    }
  }
  return undefined;
}

/** Property 4 (engine side): quote ⊂ passage text = file text at its offsets, whitespace normalised. */
function checkVerbatimSource(ap: AnswerPassage, sources: readonly SourceText[]): void {
  const p = ap.passage;
  const file = sources.find((s) => s.file === p.origin.file);
  expect(file, p.origin.file).toBeDefined();
  // Whitespace, including the line breaks the splitter knows (CR, NEL, U+2028/U+2029), as one space.
  const ws = (s: string) => s.replace(/[\s\u0085]+/gu, ' ');
  const [from, to] = p.origin.offsets;
  expect(ws(p.text)).toBe(ws(file?.text.slice(from, to) ?? ''));
  expect(quoteBody(ap.quote, p.text), `quote ${JSON.stringify(ap.quote)} not in passage`).toBeDefined();
}

/** The text between the renderer's “ ” quotation marks. */
function quoted(description: string): string {
  expect(description.startsWith('“') && description.endsWith('”'), description).toBe(true);
  return description.slice(1, -1);
}

function storeOf(c: Case, answer: Answer, index: CorpusIndex): StoredAnswer {
  return new AnswerStore({ now: () => 0 }).add({
    userId: '42',
    answer,
    articles: index.articles,
    perPage: c.perPage,
    private: c.private,
  });
}

/** Removes the terminal renderer's own SGR sequences (ansiStyle). */
function stripOwnSgr(s: string): string {
  return s.replace(/\x1b\[(?:1|22|2|1;33|22;39|31|39)m/gu, '');
}

/** Property 5: no raw control or bidi characters except newline. */
function checkTerminal(out: string, where: string): void {
  const bad = [...out.matchAll(FLATTENED)].filter((m) => m[0] !== '\n');
  expect(
    bad.map((m) => `U+${(m[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')} at ${m.index}`),
    `${where}: ${JSON.stringify(out.slice(0, 500))}`,
  ).toEqual([]);
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe('rendered answers to hostile questions over hostile passages', () => {
  it('every Discord reply stays within limits, pings no one, keeps formatting balanced and quotes verbatim', () => {
    let answered = 0;
    let runs = 0;
    let fullCut = 0;
    fc.assert(
      fc.property(caseArb, fc.boolean(), fc.integer({ min: -3, max: 20 }), (c, posted, anyPage) => {
        runs++;
        const index = CorpusIndex.build(c.sources);
        const answer = answerQuestion(index, c.question, { results: c.results });
        const stored = storeOf(c, answer, index);
        const all = [...answer.passages, ...answer.more];
        if (answer.answered) answered++;
        for (const ap of all) checkVerbatimSource(ap, c.sources);

        const pages = Math.max(1, Math.ceil(all.length / c.perPage));
        for (let page = 0; page < pages; page++) {
          const reply = renderAnswerPage(stored, page, { signer: SIGNER, canPost: c.canPost, posted });
          checkReply(reply);
          if (!answer.answered) continue;
          const shown = all.slice(page * c.perPage, (page + 1) * c.perPage);
          expect(reply.embeds.length).toBeGreaterThan(0);
          reply.embeds.forEach((e, i) => {
            const ap = shown[i] as AnswerPassage;
            // 4. Verbatim: the quote reads back exactly, bar flattened characters.
            expect(unformat(quoted(e.description ?? ''))).toBe(normalise(ap.quote));
            expect(e.footer?.text).toContain(
              `${ap.passage.origin.file} lines ${ap.passage.origin.lines[0]}–`,
            );
          });
        }
        // A page out of range (a stale or forged button) is clamped, still within every limit.
        checkReply(renderAnswerPage(stored, anyPage, { signer: SIGNER, canPost: c.canPost, posted }));
        all.forEach((ap, n) => {
          const reply = renderFullPassage(ap.passage, n + 1);
          checkReply(reply);
          // The whole passage (and its lead-in) reads back; a long one as a prefix cut with "…".
          const d = reply.embeds[0]?.description ?? '';
          const context = ap.passage.context;
          const whole = `${context ? `-# ${normalise(context)}\n` : ''}“${normalise(ap.passage.text)}”`;
          if (unformat(d) !== whole) {
            fullCut++;
            expect(d.endsWith('…'), d.slice(-50)).toBe(true);
            expect(whole.startsWith(unformat(d.slice(0, -1)))).toBe(true);
          }
        });
      }),
    );
    // The generators must mostly produce questions the corpus answers.
    expect(answered / runs).toBeGreaterThan(0.4);
    // ...and some passages too long to show whole.
    expect(fullCut).toBeGreaterThan(0);
  });

  it('boldQuote reads back as the quote for every passage', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const index = CorpusIndex.build(c.sources);
        const answer = answerQuestion(index, c.question, { results: c.results, decide: false });
        for (const ap of [...answer.passages, ...answer.more]) {
          const out = boldQuote(ap);
          expect(unformat(out)).toBe(normalise(ap.quote));
          expect(markdownProblems(out)).toEqual([]);
          expect(out).not.toMatch(LIVE_MENTION);
          expect(loneSurrogateAt(out)).toBe(-1);
        }
      }),
    );
  });

  it('sources, notes and re-index reports stay within limits and ping no one', () => {
    const report = fc.record({
      ok: fc.boolean(),
      files: fc.nat(),
      passages: fc.nat(),
      articles: fc.nat(),
      added: fc.array(hostileString, { maxLength: 20 }),
      changed: fc.array(hostileString, { maxLength: 3 }),
      removed: fc.array(hostileString, { maxLength: 20 }),
      skipped: fc.array(fc.record({ file: hostileString, reason: hostileString }), { maxLength: 20 }),
      ms: fc.nat(),
      error: fc.option(hostileString, { nil: undefined }),
    });
    fc.assert(
      fc.property(caseArb, hostileString, report, fc.boolean(), (c, message, r, error) => {
        const index = CorpusIndex.build(c.sources);
        checkReply(renderSources(index.articles));
        for (const a of index.articles) checkReply(renderSources(index.articles, a));
        const note = renderNote(message, error ? 'error' : 'info', error);
        checkReply(note);
        // A note reads back as the message (or a prefix of it, when cut to fit).
        const d = note.embeds[0]?.description ?? '';
        const shown = d.endsWith('…') && d !== escapeText(message) ? d.slice(0, -1) : d;
        expect(normalise(message).startsWith(unformat(shown))).toBe(true);
        const { error: err, ...rest } = r;
        checkReply(
          renderReindex(err === undefined ? rest : ({ ...rest, error: err } satisfies ReindexReport)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('/read pages stay within limits, ping no one, and quote every passage of the section verbatim', () => {
    const collapse = (t: string) => normalise(t).replace(/\s+/gu, ' ').trim();
    fc.assert(
      fc.property(caseArb, fc.nat(3), (c, extra) => {
        // Long passages too: repeat a piece of each article's text so some sections overflow a page
        // and some passages are cut across pages.
        const sources = c.sources.map((src) => ({
          ...src,
          text: src.text + `${cap(src.text.split('\n')[1] ?? '', 300)} `.repeat(extra * 12),
        }));
        const index = CorpusIndex.build(sources);
        const services = { library: { ready: true, index } } as never;
        for (const a of index.articles) {
          a.sections.forEach((_s, k) => {
            const r = read(services, a.file, `#${k + 1}`);
            if (r.kind !== 'read') throw new Error(r.message);
            const pages = readPages(r);
            const pieces: string[] = [];
            pages.forEach((_p, n) => {
              const out = renderRead(r, n, {
                pageId: (page) => SIGNER.encode({ action: 'read', answerId: 'k1', arg: page }),
                ephemeral: true,
              });
              checkReply(out);
              const lines = (out.embeds[0]?.description ?? '').split('\n');
              lines.forEach((line, i) => {
                if (line.startsWith('**¶')) pieces.push(unformat(lines[i + 1] ?? ''));
              });
            });
            expect(collapse(pieces.join(' '))).toBe(collapse(r.passages.map((p) => `“${p.text}”`).join(' ')));
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the terminal shows no raw control or bidi characters, colour on or off, and quotes verbatim', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const index = CorpusIndex.build(c.sources);
        const answer = answerQuestion(index, c.question, { results: c.results });
        const result: AskResult = { kind: 'answer', answer, articles: index.articles };
        checkTerminal(renderAsk(result, plainStyle), 'plain');
        const coloured = renderAsk(result, ansiStyle);
        const stripped = stripOwnSgr(coloured);
        checkTerminal(stripped, 'ansi');
        answer.passages.forEach((ap, i) => {
          expect(stripped).toContain(`${i + 1}. “${ap.quote.replace(FLATTENED, ' ')}”`);
        });
      }),
    );
  });

  it('the JSON answer carries quotes and passages exactly, and survives a JSON round trip', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const index = CorpusIndex.build(c.sources);
        const answer = answerQuestion(index, c.question, { results: c.results });
        const json = answerJson(c.question, { kind: 'answer', answer, articles: index.articles });
        expect(JSON.parse(JSON.stringify(json))).toEqual(json);
        expect(json.question).toBe(answer.question);
        expect(json.passages.map((p) => [p.quote, p.text, p.offsets])).toEqual(
          answer.passages.map((ap) => [ap.quote, ap.passage.text, ap.passage.origin.offsets]),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('engine quotes (src/core/answer.ts)', () => {
  // KNOWN BUG, not in the renderers: makeQuote cuts a sentence longer than QUOTE_CHARS with
  // no space near the cut at a raw UTF-16 index (answer.ts, the "One long sentence" window:
  // `text.indexOf(' ', s) + 1 || s` and `e` stay put when there is no space), so the quote
  // can start or end with half a surrogate pair. escapeText shows such a half as U+FFFD, so
  // Discord replies stay valid; the JSON and terminal output carry the lone surrogate.
  // Turn this into `it` once answer.ts snaps the window to code point boundaries.
  it('never split a surrogate pair, even in a long sentence without spaces', () => {
    const run = fc
      .array(fc.oneof(fc.constantFrom(...EMOJI), astral), { minLength: 60, maxLength: 300 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(
        run,
        run,
        run,
        fc.shuffledSubarray(VOCAB, { minLength: 2, maxLength: 2 }),
        (a, b, c, keys) => {
          const text = `Title Line\n${a}${keys[0]}${b}${keys[1]}${c}\n`;
          const index = CorpusIndex.build([{ file: 'a.txt', text, hash: 'h' }]);
          const answer = answerQuestion(index, keys.join(' '));
          for (const ap of answer.passages)
            expect(loneSurrogateAt(ap.quote), JSON.stringify(ap.quote)).toBe(-1);
        },
      ),
      { numRuns: 100, endOnFailure: true },
    );
  });
});

// ---------------------------------------------------------------------------
// escapeText and truncate directly
// ---------------------------------------------------------------------------

/** Any well-formed text: hostile atoms, or arbitrary code points. */
const anyText = fc.oneof(hostileString, fc.string({ unit: 'binary', maxLength: 300 }), astral);

/** Short text dense in mentions, bold markers and backslashes. */
const mentionHeavy = fc
  .array(fc.constantFrom(...MENTIONS, 'everyone', 'word', ' ', '**', '\\', '😀', '\u200b'), { maxLength: 24 })
  .map((a) => a.join(''));
/** Escaped text with bold highlights, as boldQuote builds it. */
const markedText: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(hostileString, mentionHeavy),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 })), { maxLength: 8 }),
  )
  .map(([text, raw]) => {
    const spans: Span[] = raw.map(([s, l]) => {
      const start = text.length ? s % text.length : 0;
      return [start, Math.min(text.length, start + l)];
    });
    const passage: Passage = {
      id: 0,
      kind: 'paragraph',
      text,
      origin: {
        file: 'a.txt',
        title: 'T',
        section: '',
        paragraph: 1,
        lines: [1, 1],
        offsets: [0, text.length],
      },
    };
    // Highlights cover whole tokens only in real answers; snap spans to word characters to match.
    const tokenSpans = spans
      .map(([s, e]): Span => {
        const word = /[\p{L}\p{N}]+/gu;
        word.lastIndex = s;
        const m = word.exec(text);
        return m && m.index < e ? [m.index, m.index + m[0].length] : [0, 0];
      })
      .filter(([s, e]) => e > s);
    return boldQuote({
      passage,
      quote: text,
      quoteHighlights: tokenSpans,
      score: 1,
      matchedTerms: [],
    });
  });

/** Strings heavy in surrogates, paired or not: halves of pairs, astral characters, a few ASCII. */
const surrogateHeavy = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    fc.constantFrom('@', 'everyone', '<', '*', ' '),
  ),
  maxLength: 60,
});

describe('escapeText', () => {
  it('turns half a surrogate pair into U+FFFD: its output is always valid UTF-16', () => {
    fc.assert(
      fc.property(surrogateHeavy, (s) => {
        const out = escapeText(s);
        expect(loneSurrogateAt(out)).toBe(-1);
        expect(unformat(out)).toBe(normalise(s));
        expect(loneSurrogateAt(truncate(out, Math.ceil(out.length / 2)))).toBe(-1);
      }),
      { numRuns: 200 },
    );
  });

  it('makes any text safe: no live mentions, no Markdown, one line, reads back as the text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = escapeText(s);
        expect(out).not.toMatch(LIVE_MENTION);
        expect(markdownProblems(out)).toEqual([]);
        expect(out).not.toMatch(FLATTENED);
        expect(loneSurrogateAt(out)).toBe(-1);
        expect(unformat(out)).toBe(normalise(s));
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent in safety: escaping escaped text is still safe and reads back as the escaped text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const once = escapeText(s);
        const twice = escapeText(once);
        expect(twice).not.toMatch(LIVE_MENTION);
        expect(markdownProblems(twice)).toEqual([]);
        expect(unformat(twice)).toBe(once.replaceAll(ZWSP, ''));
      }),
      { numRuns: 200 },
    );
  });
});

describe('truncate', () => {
  it('stays within the limit, keeps text that fits, never splits a surrogate pair', () => {
    fc.assert(
      fc.property(anyText, fc.nat({ max: 7000 }), (s, max) => {
        const out = truncate(s, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (s.length <= max) expect(out).toBe(s);
        else expect(out.endsWith('…') || max === 0).toBe(true);
        expect(loneSurrogateAt(out)).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps escaped, highlighted text safe and readable for any cut', () => {
    fc.assert(
      fc.property(fc.oneof(markedText, anyText.map(escapeText)), fc.nat(), (text, n) => {
        // Every cut of short text; a spread of cuts (offset by n) of long text.
        const step = Math.max(1, Math.floor(text.length / 80));
        for (let max = 1 + (n % step); max <= text.length + 1; max += step) {
          const out = truncate(text, max);
          const label = `${JSON.stringify(text)} to ${max}: ${JSON.stringify(out)}`;
          expect(out.length, label).toBeLessThanOrEqual(max);
          expect(loneSurrogateAt(out), label).toBe(-1);
          expect(out, label).not.toMatch(LIVE_MENTION);
          expect(markdownProblems(out), label).toEqual([]);
          // What is left reads back as a prefix of the whole text.
          const body = out === text ? out : out.slice(0, -1);
          expect(unformat(text).startsWith(unformat(body)), label).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
