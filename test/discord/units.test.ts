/**
 * Unit tests of the Discord layer's pure parts: escaping and truncation, rendering
 * within Discord's limits, signed button ids, the answer store and the rate limiter.
 * Answers are built with the real engine from inline articles; clocks are injected.
 */
import { createHmac } from 'node:crypto';
import type { APIEmbed } from 'discord-api-types/v10';
import { describe, expect, it, vi } from 'vitest';
import { answerQuestion } from '../../src/core/answer.js';
import { CorpusIndex } from '../../src/core/corpus-index.js';
import type { AnswerPassage, ArticleMeta, SourceText } from '../../src/core/types.js';
import type { ReindexReport } from '../../src/corpus/library.js';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import { escapeText, truncate } from '../../src/discord/escape.js';
import { EPHEMERAL, LIMITS } from '../../src/discord/limits.js';
import { RateLimiter } from '../../src/discord/rate-limit.js';
import { REDACTED, Redactor } from '../../src/discord/redact.js';
import {
  boldQuote,
  fitEmbeds,
  renderAnswerPage,
  renderFullPassage,
  renderNote,
  renderReindex,
  renderSources,
  type ReplyPayload,
} from '../../src/discord/render.js';
import { AnswerStore, type StoredAnswer } from '../../src/discord/store.js';
import { createLogger, memoryFields, startMemoryLog } from '../../src/log.js';
import { mulberry32 } from '../../bench/generate.js';
import { embedChars, loneSurrogateAt, unformat, ZWSP } from './markdown.js';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function totalChars(embeds: APIEmbed[]): number {
  return embeds.reduce((s, e) => s + embedChars(e), 0);
}

/** Every limit of `LIMITS` that applies to a message. */
function expectWithinLimits(p: ReplyPayload): void {
  expect((p.content ?? '').length).toBeLessThanOrEqual(LIMITS.content);
  expect(p.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  for (const e of p.embeds) {
    expect((e.title ?? '').length).toBeLessThanOrEqual(LIMITS.embedTitle);
    expect((e.description ?? '').length).toBeLessThanOrEqual(LIMITS.embedDescription);
    expect((e.footer?.text ?? '').length).toBeLessThanOrEqual(LIMITS.footerText);
    expect((e.author?.name ?? '').length).toBeLessThanOrEqual(LIMITS.authorName);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    }
  }
  expect(totalChars(p.embeds)).toBeLessThanOrEqual(LIMITS.embedTotal);
  expect(p.components.length).toBeLessThanOrEqual(LIMITS.rows);
  for (const row of p.components) {
    expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
    for (const b of row.components) {
      if ('label' in b) expect((b.label ?? '').length).toBeLessThanOrEqual(LIMITS.buttonLabel);
      if ('custom_id' in b) expect(b.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
    }
  }
}

/** Raw mentions, channel links, slash-command links, custom emoji or timestamps left live. */
const LIVE_MENTION = /@(?:everyone|here)|<(?:@|#|\/|a?:|t:)/iu;

/** All the visible text of a message. */
function allText(p: ReplyPayload): string[] {
  return [
    p.content ?? '',
    ...p.embeds.flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      e.footer?.text ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    ]),
  ];
}

function buttons(p: ReplyPayload): { label: string; custom_id: string }[] {
  return p.components.flatMap((row) =>
    row.components.map((b) => ({
      label: 'label' in b ? (b.label ?? '') : '',
      custom_id: 'custom_id' in b ? b.custom_id : '',
    })),
  );
}

// ---------------------------------------------------------------------------
// A hostile corpus
// ---------------------------------------------------------------------------

/** One sentence with every kind of Markdown and mention Discord would act on. */
function hostileSentence(i: number): string {
  return (
    `Quokka marmalade ${i} is **bold** and \`code\` for @everyone and @here, ` +
    `ping <@12345678901234567${i % 10}> or <@&98765432109876543${i % 10}> in <#55555555555555555${i % 10}> ` +
    `via </ask:123${i}> with <:blob:1122334455${i}> and <a:wave:99887766${i}> at <t:170000000${i}:R>; ` +
    `see [link](https://example.com/${i}) | pipe | _under_ ~strike~ back\\slash *star* 😀🎉.`
  );
}

function hostileParagraph(): string {
  let para = '';
  for (let i = 0; para.length < 5000; i++) para += (i ? ' ' : '') + hostileSentence(i);
  return para;
}

const HOSTILE_PARAGRAPH = hostileParagraph();

const SOURCES: SourceText[] = [
  {
    file: 'hostile.txt',
    text: [
      'Hostile Article',
      '',
      HOSTILE_PARAGRAPH,
      '',
      'Quokka marmalade recipes are shared at dawn by the keepers.',
      '',
      'The keepers list:',
      '',
      '- Quokka marmalade is sweet.',
      '- Marmalade for quokka keepers.',
      '',
    ].join('\n'),
    hash: 'h-hostile',
  },
  {
    file: 'plain.txt',
    text: 'Plain Article\n\nNothing about the topic here at all, just ordinary words.\n',
    hash: 'h-plain',
  },
];

const INDEX = CorpusIndex.build(SOURCES);
const SIGNER = new CustomIdSigner();

function storeAnswer(
  question: string,
  opts: { results?: number; perPage?: number; private?: boolean; index?: CorpusIndex } = {},
): StoredAnswer {
  const index = opts.index ?? INDEX;
  const answer = answerQuestion(index, question, { results: opts.results ?? 2 });
  const store = new AnswerStore({ now: () => 1_000 });
  return store.add({
    userId: '42',
    answer,
    articles: index.articles,
    perPage: opts.perPage ?? 2,
    private: opts.private ?? true,
  });
}

function meta(i: number, over: Partial<ArticleMeta> = {}): ArticleMeta {
  return {
    file: `a${i}.txt`,
    title: `Article ${i}`,
    sections: [{ name: '', passages: 1 }],
    passages: 1,
    hash: `h${i}`,
    ...over,
  };
}

// ---------------------------------------------------------------------------
// escapeText
// ---------------------------------------------------------------------------

describe('escapeText', () => {
  it('backslash-escapes every Markdown special character', () => {
    expect(escapeText('a\\b*c_d~e`f|g[h]i')).toBe('a\\\\b\\*c\\_d\\~e\\`f\\|g\\[h\\]i');
  });

  it('leaves ordinary text untouched', () => {
    const text = 'Open source AI is thriving, e.g. in 2025 (mostly) — 42% of labs agree!';
    expect(escapeText(text)).toBe(text);
  });

  it('escapes a heading, block quote or list marker at the start of the text', () => {
    expect(escapeText('# Title')).toBe('\\# Title');
    expect(escapeText('> quoted')).toBe('\\> quoted');
    expect(escapeText('- item')).toBe('\\- item');
    expect(escapeText('  -# subtext')).toBe('  \\-# subtext');
    expect(escapeText('12. Numbered')).toBe('12\\. Numbered');
  });

  it('does not escape #, >, - or "1." in the middle of a line', () => {
    expect(escapeText('a # b > c - d 1. e')).toBe('a # b > c - d 1. e');
  });

  it('neutralises @everyone and @here in any case with a zero-width space', () => {
    expect(escapeText('hi @everyone and @HERE')).toBe(`hi @${ZWSP}everyone and @${ZWSP}HERE`);
  });

  it('neutralises user, role, channel, command, emoji and timestamp tags', () => {
    const text = '<@1> <@!2> <@&3> <#4> </ask:5> <:blob:6> <a:wave:7> <t:8:R>';
    expect(escapeText(text)).toBe(
      `<${ZWSP}@1> <${ZWSP}@!2> <${ZWSP}@&3> <${ZWSP}#4> <${ZWSP}/ask:5> <${ZWSP}:blob:6> <${ZWSP}a:wave:7> <${ZWSP}t:8:R>`,
    );
  });

  it('flattens line breaks, control and bidirectional characters to spaces', () => {
    const text = 'a\nb\r\nc\td\u0000e\u2028f\u2029g\u202eh\u2066i\u200fj\u061ck';
    const out = escapeText(text);
    expect(out).toBe('a b  c d e f g h i j k');
    expect(out).not.toMatch(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u);
  });

  it('cannot be tricked into a line-start marker by a leading line break', () => {
    expect(escapeText('\n# heading')).toBe(' \\# heading');
  });

  it('reads back as the original text once escapes and zero-width spaces are removed', () => {
    const text = hostileSentence(3);
    const out = escapeText(text);
    expect(out).not.toMatch(LIVE_MENTION);
    expect(unformat(out)).toBe(text);
  });
});

// ---------------------------------------------------------------------------
// truncate
// ---------------------------------------------------------------------------

describe('truncate', () => {
  it('returns text that already fits unchanged', () => {
    expect(truncate('short text', 10)).toBe('short text');
    expect(truncate('', 0)).toBe('');
  });

  it('cuts at a word boundary and adds an ellipsis', () => {
    expect(truncate('the quick brown fox jumps', 12)).toBe('the quick…');
  });

  it('cuts mid-word when the last space is too far back', () => {
    const out = truncate(`a ${'x'.repeat(30)}`, 10);
    expect(out).toBe('a xxxxxxx…');
    expect(out).toHaveLength(10);
  });

  it('returns just the ellipsis for a limit of 1 and nothing for 0', () => {
    expect(truncate('abcdef', 1)).toBe('…');
    expect(truncate('abcdef', 0)).toBe('');
  });

  it('never splits a surrogate pair', () => {
    const emoji = '😀'.repeat(10);
    for (let max = 2; max < emoji.length; max++) {
      const out = truncate(emoji, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(loneSurrogateAt(out), `max ${max}: ${JSON.stringify(out)}`).toBe(-1);
    }
    expect(truncate(emoji, 6)).toBe('😀😀…');
  });

  it('drops a backslash whose escaped character was cut off', () => {
    expect(truncate('aaaa\\*bbbb', 6)).toBe('aaaa…');
  });

  it('keeps an escaped backslash whole', () => {
    expect(truncate('aaa\\\\bbbbbb', 6)).toBe('aaa\\\\…');
  });

  it('removes a bold marker left open by the cut', () => {
    expect(truncate('aa **bbbbbbbbbb**', 10)).toBe('aa bbbb…');
  });

  it('keeps a bold pair that fits whole', () => {
    expect(truncate('x **ab** yyyyyyyyyyyyyyyyyyyy', 12)).toBe('x **ab**…');
  });

  it('keeps escaped text within the limit, whole and readable, for any cut', () => {
    const random = mulberry32(7);
    const alphabet = ['a', 'b', ' ', '\\', '*', '_', '`', '@everyone', '<@1>', '😀', 'é', '#', '|'];
    for (let n = 0; n < 400; n++) {
      let raw = '';
      const len = 5 + Math.floor(random() * 60);
      for (let k = 0; k < len; k++) raw += alphabet[Math.floor(random() * alphabet.length)];
      const escaped = escapeText(raw);
      const max = 1 + Math.floor(random() * escaped.length);
      const out = truncate(escaped, max);
      const label = `${JSON.stringify(escaped)} to ${max}: ${JSON.stringify(out)}`;
      expect(out.length, label).toBeLessThanOrEqual(max);
      expect(loneSurrogateAt(out), label).toBe(-1);
      if (out === escaped) continue;
      expect(out.endsWith('…'), label).toBe(true);
      const body = out.slice(0, -1);
      expect(escaped.startsWith(body), label).toBe(true);
      expect((body.match(/\\+$/u)?.[0].length ?? 0) % 2, label).toBe(0);
      expect(raw.startsWith(unformat(body)), label).toBe(true);
    }
  });

  it('leaves no unbalanced ** when the bold marker follows an escaped backslash', () => {
    // escapeText('a\\') + '**bbbbbbbbbbbbbbbbbbbb**', as boldQuote builds it: the open
    // marker is preceded by a backslash (itself escaped), so the bold check skips it.
    const text = 'a\\\\**bbbbbbbbbbbbbbbbbbbb**';
    const out = truncate(text, 12);
    expect(out).toBe('a\\\\bbbbbb…');
  });

  it('does not leave half of a bold marker behind', () => {
    // The cut falls between the two asterisks of "**": a stray "*" remains.
    const out = truncate('xxxxxxxxxx**word**', 12);
    expect(out).toBe('xxxxxxxxxx…');
  });
});

// ---------------------------------------------------------------------------
// fitEmbeds
// ---------------------------------------------------------------------------

describe('fitEmbeds', () => {
  it('keeps at most 10 embeds', () => {
    const embeds = Array.from({ length: 12 }, (_, i) => ({ description: `embed ${i}` }));
    const out = fitEmbeds(embeds);
    expect(out).toHaveLength(LIMITS.embeds);
    expect(out.map((e) => e.description)).toEqual(embeds.slice(0, 10).map((e) => e.description));
  });

  it('cuts every text to its own limit', () => {
    const [e] = fitEmbeds([
      {
        title: 't'.repeat(300),
        description: 'd'.repeat(5000),
        footer: { text: 'f'.repeat(3000) },
        author: { name: 'a'.repeat(300) },
      },
    ]);
    expect(e?.title).toHaveLength(LIMITS.embedTitle);
    expect(e?.title?.endsWith('…')).toBe(true);
    expect(e?.footer?.text.length).toBeLessThanOrEqual(LIMITS.footerText);
    expect(e?.author?.name.length).toBeLessThanOrEqual(LIMITS.authorName);
    expect(e?.description?.length).toBeLessThanOrEqual(LIMITS.embedDescription);
    expect(totalChars(e ? [e] : [])).toBeLessThanOrEqual(LIMITS.embedTotal);
  });

  it('keeps at most 25 fields, each name and value within its limit', () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({
      name: `${i} ${'n'.repeat(300)}`,
      value: 'v'.repeat(50),
    }));
    const [e] = fitEmbeds([{ fields }]);
    // 25 fields of 256 + 50 characters would pass 6,000, so trailing fields go too.
    expect(e?.fields?.length).toBeLessThanOrEqual(LIMITS.fields);
    expect(e?.fields?.length).toBeGreaterThanOrEqual(19);
    expect(totalChars(e ? [e] : [])).toBeLessThanOrEqual(LIMITS.embedTotal);
    const [few] = fitEmbeds([{ fields: fields.map((f) => ({ ...f, name: f.name.slice(0, 100) })) }]);
    expect(few?.fields).toHaveLength(LIMITS.fields);
    expect(e?.fields?.every((f) => f.name.length <= LIMITS.fieldName && f.value === 'v'.repeat(50))).toBe(
      true,
    );
    const [v] = fitEmbeds([{ fields: [{ name: 'n', value: 'w '.repeat(1000) }] }]);
    expect(v?.fields?.[0]?.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
  });

  it('drops whole trailing embeds until the total fits 6,000', () => {
    const embeds = ['a', 'b', 'c'].map((c) => ({ title: c, description: c.repeat(2500) }));
    const out = fitEmbeds(embeds);
    expect(out).toHaveLength(2);
    expect(out.map((e) => e.description)).toEqual([embeds[0]?.description, embeds[1]?.description]);
    expect(totalChars(out)).toBeLessThanOrEqual(LIMITS.embedTotal);
  });

  it('shortens the description of a single embed that is over the total', () => {
    const [e] = fitEmbeds([
      { title: 't'.repeat(256), description: 'word '.repeat(900), footer: { text: 'f'.repeat(2048) } },
    ]);
    expect(e?.title).toBe('t'.repeat(256));
    expect(e?.footer?.text).toBe('f'.repeat(2048));
    expect(e?.description?.endsWith('…')).toBe(true);
    expect(totalChars(e ? [e] : [])).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(totalChars(e ? [e] : [])).toBeGreaterThan(LIMITS.embedTotal - 20);
  });

  it('does not change the embeds it is given', () => {
    const input: APIEmbed[] = [{ title: 'x'.repeat(400), description: 'y'.repeat(7000), fields: [] }];
    const copy = structuredClone(input);
    fitEmbeds(input);
    expect(input).toEqual(copy);
  });

  it('keeps a single embed whose fields alone exceed the total within 6,000', () => {
    // 25 fields of 256 + 1,024 characters: 32,000 characters in one embed.
    const fields = Array.from({ length: 25 }, () => ({ name: 'n'.repeat(300), value: 'v'.repeat(2000) }));
    const out = fitEmbeds([{ description: 'd', fields }]);
    expect(totalChars(out)).toBeLessThanOrEqual(LIMITS.embedTotal);
  });
});

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

describe('boldQuote', () => {
  it('wraps the highlighted words in ** and escapes everything else', () => {
    const ap = { quote: 'Use *stars* and <@1> today', quoteHighlights: [[5, 10]] } as AnswerPassage;
    expect(boldQuote(ap)).toBe(`Use \\***stars**\\* and <${ZWSP}@1> today`);
  });

  it('marks neighbouring highlights separated by one space as one bold run', () => {
    const ap = {
      quote: 'open source AI',
      quoteHighlights: [[0, 4] as [number, number], [5, 11]],
    } as AnswerPassage;
    expect(boldQuote(ap)).toBe('**open** **source** AI');
  });

  it('reads back as the quote for a real answer over hostile text', () => {
    const answer = answerQuestion(INDEX, 'quokka marmalade', { results: 5 });
    const all = [...answer.passages, ...answer.more];
    expect(all.length).toBeGreaterThan(0);
    for (const ap of all) {
      const out = boldQuote(ap);
      expect(out).toMatch(/\*\*[^*]+\*\*/u);
      expect(out).not.toMatch(LIVE_MENTION);
      expect(unformat(out)).toBe(ap.quote);
    }
  });
});

describe('renderAnswerPage', () => {
  it('shows one card per passage whose quote reads back verbatim', () => {
    const stored = storeAnswer('quokka marmalade', { results: 2, perPage: 2 });
    expect(stored.answer.answered).toBe(true);
    const passages = [...stored.answer.passages, ...stored.answer.more];
    const pages = Math.ceil(passages.length / stored.perPage);
    expect(pages).toBeGreaterThan(1);
    for (let page = 0; page < pages; page++) {
      const out = renderAnswerPage(stored, page, { signer: SIGNER, canPost: true });
      const shown = passages.slice(page * 2, page * 2 + 2);
      expect(out.embeds).toHaveLength(shown.length);
      for (const [i, e] of out.embeds.entries()) {
        const ap = shown[i] as AnswerPassage;
        expect(e.title).toBe(`${page * 2 + i + 1}. ${ap.passage.origin.title}`);
        const d = e.description ?? '';
        expect(d.startsWith('“') && d.endsWith('”')).toBe(true);
        expect(unformat(d.slice(1, -1))).toBe(ap.quote);
        expect(e.footer?.text).toContain(`${ap.passage.origin.file} lines ${ap.passage.origin.lines[0]}–`);
      }
    }
  });

  it('leaves no live mention and disables mentions, within every limit', () => {
    const stored = storeAnswer('quokka marmalade @everyone <@123456789012345678>', {
      results: 5,
      perPage: 5,
    });
    const out = renderAnswerPage(stored, 0, { signer: SIGNER, canPost: true });
    expect(out.allowed_mentions).toEqual({ parse: [] });
    expectWithinLimits(out);
    // The quotes shown do hold raw mentions, so the check below is not vacuous.
    expect(
      stored.answer.passages.some((ap) => ap.quote.includes('@everyone') && ap.quote.includes('<@')),
    ).toBe(true);
    for (const t of allText(out)) expect(t).not.toMatch(LIVE_MENTION);
  });

  it('states the question and the range shown', () => {
    const stored = storeAnswer('quokka marmalade', { results: 2, perPage: 2 });
    const total = stored.answer.passages.length + stored.answer.more.length;
    const first = renderAnswerPage(stored, 0, { signer: SIGNER, canPost: false });
    expect(first.content).toBe(`**Q:** quokka marmalade\n-# Results 1–2 of ${total}`);
    const single = storeAnswer('quokka marmalade', { results: 1, perPage: 1 });
    const one = renderAnswerPage(single, 0, { signer: SIGNER, canPost: false });
    expect(one.content).toMatch(/-# Result 1 of \d+$/u);
  });

  it('signs buttons that decode to this answer and the right page or passage', () => {
    const stored = storeAnswer('quokka marmalade', { results: 2, perPage: 2 });
    const out = renderAnswerPage(stored, 0, { signer: SIGNER, canPost: true });
    const bs = buttons(out);
    const refs = Object.fromEntries(bs.map((b) => [b.label, SIGNER.decode(b.custom_id)]));
    expect(refs['More results']).toEqual({ action: 'more', answerId: stored.id, arg: 1 });
    expect(refs['Post to channel']).toEqual({ action: 'post', answerId: stored.id, arg: 0 });
    expect(bs.some((b) => b.label === 'Previous')).toBe(false);
    // The long hostile paragraph is quoted in part, so it offers its full passage.
    const cut = [...stored.answer.passages].findIndex((ap) => ap.quote !== ap.passage.text);
    expect(cut).toBeGreaterThanOrEqual(0);
    expect(refs[`Full passage ${cut + 1}`]).toEqual({ action: 'full', answerId: stored.id, arg: cut });
    expect(bs.filter((b) => b.label.startsWith('Full passage'))).toHaveLength(
      stored.answer.passages.filter((ap) => ap.quote !== ap.passage.text).length,
    );
    expectWithinLimits(out);
  });

  it('offers Previous and no More results on the last page', () => {
    const stored = storeAnswer('quokka marmalade', { results: 2, perPage: 2 });
    const last = Math.ceil((stored.answer.passages.length + stored.answer.more.length) / 2) - 1;
    const out = renderAnswerPage(stored, last, { signer: SIGNER, canPost: false });
    const labels = buttons(out).map((b) => b.label);
    expect(labels).toContain('Previous');
    expect(labels).not.toContain('More results');
    expect(labels).not.toContain('Post to channel');
    const prev = buttons(out).find((b) => b.label === 'Previous');
    expect(SIGNER.decode(prev?.custom_id ?? '')).toEqual({
      action: 'more',
      answerId: stored.id,
      arg: last - 1,
    });
  });

  it('clamps a page number out of range to the first or last page', () => {
    const stored = storeAnswer('quokka marmalade', { results: 2, perPage: 2 });
    const last = Math.ceil((stored.answer.passages.length + stored.answer.more.length) / 2) - 1;
    expect(renderAnswerPage(stored, 99, { signer: SIGNER, canPost: true })).toEqual(
      renderAnswerPage(stored, last, { signer: SIGNER, canPost: true }),
    );
    expect(renderAnswerPage(stored, -3, { signer: SIGNER, canPost: true })).toEqual(
      renderAnswerPage(stored, 0, { signer: SIGNER, canPost: true }),
    );
  });

  it('is ephemeral when private; once posted it has no flag and only 🗑 Delete, signed with the asker', () => {
    const priv = storeAnswer('quokka marmalade', { private: true });
    expect(renderAnswerPage(priv, 0, { signer: SIGNER, canPost: true }).flags).toBe(EPHEMERAL);
    const posted = renderAnswerPage(priv, 0, { signer: SIGNER, canPost: true, posted: true });
    const only = posted.components.flatMap((r) => r.components);
    expect(only.map((b) => ('label' in b ? b.label : undefined))).toEqual(['Delete']);
    const id = only[0] && 'custom_id' in only[0] ? only[0].custom_id : '';
    expect(SIGNER.decode(id)).toEqual({ action: 'delete', answerId: priv.userId, arg: 0 });
    expect(posted.flags).toBeUndefined();
    const pub = storeAnswer('quokka marmalade', { private: false });
    expect(renderAnswerPage(pub, 0, { signer: SIGNER, canPost: false }).flags).toBeUndefined();
  });

  it('declines with the article list and an escaped question', () => {
    const stored = storeAnswer('zebra giraffe @everyone');
    expect(stored.answer.answered).toBe(false);
    const out = renderAnswerPage(stored, 0, { signer: SIGNER, canPost: true });
    expect(out.content).toBe(`**Q:** zebra giraffe @${ZWSP}everyone`);
    expect(out.embeds[0]?.title).toBe('No answer in the articles');
    expect(out.embeds[0]?.fields?.[0]).toEqual({
      name: 'Articles',
      value: '• Hostile Article\n• Plain Article',
    });
    expect(out.components).toEqual([]);
    expect(out.allowed_mentions).toEqual({ parse: [] });
    expect(out.flags).toBe(EPHEMERAL);
    expectWithinLimits(out);
  });

  it('lists many articles in the declined card within the field limit', () => {
    const many: SourceText[] = Array.from({ length: 60 }, (_, i) => ({
      file: `article-${i}.txt`,
      text: `Article Number ${i} About Gardening Tools\n\nRakes and hoes number ${i} are useful.\n`,
      hash: `h${i}`,
    }));
    const index = CorpusIndex.build(many);
    const stored = storeAnswer('zebra giraffe', { index });
    expect(stored.answer.answered).toBe(false);
    const out = renderAnswerPage(stored, 0, { signer: SIGNER, canPost: false });
    const value = out.embeds[0]?.fields?.[0]?.value ?? '';
    expect(value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    expect(value).toMatch(/\n… and \d+ more$/u);
    const listed = value.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(value).toContain(`… and ${60 - listed} more`);
    expectWithinLimits(out);
  });
});

describe('renderFullPassage', () => {
  it('shows the whole passage escaped, cut to the description limit', () => {
    const passage = INDEX.passages.find((p) => p.text === HOSTILE_PARAGRAPH);
    expect(passage).toBeDefined();
    if (!passage) return;
    const out = renderFullPassage(passage, 3);
    expect(out.flags).toBe(EPHEMERAL);
    expect(out.allowed_mentions).toEqual({ parse: [] });
    expectWithinLimits(out);
    const e = out.embeds[0];
    expect(e?.title).toBe('3. Hostile Article');
    const d = e?.description ?? '';
    expect(escapeText(passage.text).length).toBeGreaterThan(LIMITS.embedDescription);
    expect(d.startsWith('“')).toBe(true);
    expect(d.endsWith('…')).toBe(true);
    const shown = unformat(d.slice(1, -1));
    expect(shown.length).toBeGreaterThan(3000);
    expect(passage.text.startsWith(shown)).toBe(true);
    expect(d).not.toMatch(LIVE_MENTION);
  });

  it('shows a short passage whole and a list item with its lead-in as subtext', () => {
    const item = INDEX.passages.find((p) => p.kind === 'item' && p.context);
    expect(item).toBeDefined();
    if (!item) return;
    const out = renderFullPassage(item, 1);
    expect(out.embeds[0]?.description).toBe(`-# ${item.context}\n“${item.text}”`);
    expect(out.embeds[0]?.footer?.text).toBe(
      `¶${item.origin.paragraph} · hostile.txt lines ${item.origin.lines[0]}–${item.origin.lines[1]}`,
    );
  });
});

describe('renderNote', () => {
  it('escapes the message and is ephemeral by default', () => {
    const out = renderNote('Slow down @everyone, *wait* 5s');
    expect(out.embeds[0]?.description).toBe(`Slow down @${ZWSP}everyone, \\*wait\\* 5s`);
    expect(out.flags).toBe(EPHEMERAL);
    expect(out.allowed_mentions).toEqual({ parse: [] });
    expect(out.components).toEqual([]);
  });

  it('uses a different colour for errors and can be public', () => {
    const info = renderNote('x');
    const error = renderNote('x', 'error', false);
    expect(error.embeds[0]?.color).not.toBe(info.embeds[0]?.color);
    expect(error.flags).toBeUndefined();
  });

  it('cuts a huge message to the description limit', () => {
    const out = renderNote('word '.repeat(2000));
    expectWithinLimits(out);
    expect(out.embeds[0]?.description?.endsWith('…')).toBe(true);
  });
});

describe('renderSources', () => {
  it('says so when nothing is indexed, publicly', () => {
    const out = renderSources([]);
    expect(out.embeds[0]?.description).toBe('No articles are indexed yet.');
    expect(out.flags).toBeUndefined();
    expect(out.allowed_mentions).toEqual({ parse: [] });
  });

  it('lists real articles as fields', () => {
    const out = renderSources(INDEX.articles);
    expect(out.embeds[0]?.title).toBe('2 articles');
    expect(out.embeds[0]?.fields?.map((f) => f.name)).toEqual(['Hostile Article', 'Plain Article']);
    expect(out.embeds[0]?.fields?.[0]?.value).toBe(`0 sections · ${INDEX.articles[0]?.passages} passages`);
    expect(out.allowed_mentions).toEqual({ parse: [] });
    expectWithinLimits(out);
  });

  it('shows the first 25 of many articles and says so', () => {
    const articles = Array.from({ length: 40 }, (_, i) => meta(i));
    const out = renderSources(articles);
    expect(out.embeds[0]?.title).toBe('40 articles');
    expect(out.embeds[0]?.fields).toHaveLength(25);
    expect(out.embeds[0]?.description).toContain('Showing the first 25.');
    expectWithinLimits(out);
  });

  it("lists one article's sections with escaped names, date and author", () => {
    const one = meta(1, {
      title: 'One',
      date: '9 July 2025',
      author: 'Ann *Star* <@1>',
      sections: [
        { name: '', passages: 2 },
        { name: 'Costs_and `code`', passages: 1 },
      ],
      passages: 3,
    });
    const out = renderSources([one], one);
    const e = out.embeds[0];
    expect(e?.title).toBe('One');
    expect(e?.description).toBe(
      `-# 9 July 2025 · Ann \\*Star\\* <${ZWSP}@1>\n• (opening) — 2 passages\n• Costs\\_and \\\`code\\\` — 1 passage`,
    );
    expect(e?.footer?.text).toBe('a1.txt · 3 passages');
    expect(out.allowed_mentions).toEqual({ parse: [] });
  });

  it('keeps an article with hundreds of sections within the limits', () => {
    const sections = Array.from({ length: 400 }, (_, i) => ({ name: `Section ${i} @here`, passages: i }));
    const one = meta(2, { sections, passages: 400 });
    const out = renderSources([one], one);
    expectWithinLimits(out);
    for (const t of allText(out)) expect(t).not.toMatch(LIVE_MENTION);
  });

  it('keeps 25 long-titled articles within the 6,000-character total', () => {
    // Front-matter titles are not length-limited; 25 fields named by 250-character titles
    // make one embed of more than 6,000 characters, which Discord rejects.
    const sources: SourceText[] = Array.from({ length: 25 }, (_, i) => ({
      file: `long-${i}.txt`,
      text: `---\ntitle: ${`Article ${i} `.padEnd(250, 'x')}\n---\n\nSome body text number ${i}.\n`,
      hash: `h${i}`,
    }));
    const index = CorpusIndex.build(sources);
    expect(index.articles[0]?.title.length).toBe(250);
    expectWithinLimits(renderSources(index.articles));
  });
});

describe('renderReindex', () => {
  const base: ReindexReport = {
    ok: true,
    files: 3,
    passages: 40,
    articles: 3,
    added: [],
    changed: [],
    removed: [],
    skipped: [],
    ms: 12,
  };

  it('reports a failure with the escaped error, ephemerally', () => {
    const out = renderReindex({ ...base, ok: false, error: 'bad <@1> *file*' });
    expect(out.embeds[0]?.title).toBe('Re-index failed');
    expect(out.embeds[0]?.description).toBe(`bad <${ZWSP}@1> \\*file\\*\nThe previous index keeps serving.`);
    expect(out.flags).toBe(EPHEMERAL);
    expect(out.allowed_mentions).toEqual({ parse: [] });
  });

  it('lists added, changed and removed files, "none" when empty, and no skipped field', () => {
    const out = renderReindex({ ...base, added: ['new_file.txt'] });
    const e = out.embeds[0];
    expect(e?.title).toBe('Re-indexed');
    expect(e?.description).toBe('3 files · 3 articles · 40 passages · 12 ms');
    expect(e?.fields).toEqual([
      { name: 'Added (1)', value: '• new\\_file.txt' },
      { name: 'Changed (0)', value: 'none' },
      { name: 'Removed (0)', value: 'none' },
    ]);
  });

  it('shows 15 entries then "… and N more", with skipped files and reasons', () => {
    const added = Array.from({ length: 20 }, (_, i) => `file-${i}.txt`);
    const out = renderReindex({ ...base, added, skipped: [{ file: 'bin.pdf', reason: 'not text' }] });
    const fields = out.embeds[0]?.fields ?? [];
    expect(fields[0]?.value.split('\n')).toHaveLength(16);
    expect(fields[0]?.value.endsWith('\n… and 5 more')).toBe(true);
    expect(fields[3]).toEqual({ name: 'Skipped (1)', value: '• bin.pdf: not text' });
    expectWithinLimits(out);
  });

  it('stays within the limits with very long file names and reasons', () => {
    const long = Array.from({ length: 40 }, (_, i) => `${i}-${'very_long_name '.repeat(20)}.txt`);
    const out = renderReindex({
      ...base,
      added: long,
      changed: long,
      removed: long,
      skipped: long.map((file) => ({ file, reason: 'reason @everyone '.repeat(20) })),
    });
    expectWithinLimits(out);
    for (const t of allText(out)) expect(t).not.toMatch(LIVE_MENTION);
  });
});

// ---------------------------------------------------------------------------
// CustomIdSigner
// ---------------------------------------------------------------------------

describe('CustomIdSigner', () => {
  const secret = Buffer.alloc(32, 7);
  const signer = new CustomIdSigner(secret);
  /** Signs a body the way the signer does, to build well-signed but malformed ids. */
  const forge = (body: string) =>
    `${body}.${createHmac('sha256', secret).update(body).digest('base64url').slice(0, 22)}`;

  it('round-trips every action, with ids up to 100 characters', () => {
    for (const action of ['more', 'full', 'post'] as const) {
      for (const [answerId, arg] of [
        ['a', 0],
        ['AbC123xyz', 42],
        ['Z'.repeat(40), 9999],
      ] as const) {
        const id = signer.encode({ action, answerId, arg });
        expect(id.length).toBeLessThanOrEqual(LIMITS.customId);
        expect(signer.decode(id)).toEqual({ action, answerId, arg });
      }
    }
  });

  it('decodes with another signer sharing the secret, not with a different secret', () => {
    const id = signer.encode({ action: 'more', answerId: 'abc', arg: 1 });
    expect(new CustomIdSigner(Buffer.alloc(32, 7)).decode(id)).toEqual({
      action: 'more',
      answerId: 'abc',
      arg: 1,
    });
    expect(new CustomIdSigner(Buffer.alloc(32, 8)).decode(id)).toBeUndefined();
    expect(new CustomIdSigner().decode(id)).toBeUndefined();
    expect(
      signer.decode(new CustomIdSigner().encode({ action: 'more', answerId: 'abc', arg: 1 })),
    ).toBeUndefined();
  });

  it('rejects an id with any one character changed', () => {
    const id = signer.encode({ action: 'full', answerId: 'Answer9', arg: 12 });
    for (let i = 0; i < id.length; i++) {
      for (const repl of ['a', 'Z', '0', '.', '-']) {
        if (id[i] === repl) continue;
        const tampered = id.slice(0, i) + repl + id.slice(i + 1);
        expect(signer.decode(tampered), tampered).toBeUndefined();
      }
    }
  });

  it('rejects a wrong prefix, extra or missing parts, and a truncated id', () => {
    const id = signer.encode({ action: 'more', answerId: 'abc', arg: 1 });
    const [, code, answerId, arg] = id.split('.');
    expect(signer.decode(forge(`a2.${code}.${answerId}.${arg}`))).toBeUndefined();
    expect(signer.decode(forge(`a1.${code}.${answerId}.${arg}.x`))).toBeUndefined();
    expect(signer.decode(forge(`a1.${code}.${answerId}`))).toBeUndefined();
    expect(signer.decode(`${id}.extra`)).toBeUndefined();
    expect(signer.decode(id.slice(0, -1))).toBeUndefined();
    expect(signer.decode(id.split('.').slice(0, 4).join('.'))).toBeUndefined();
    expect(signer.decode('')).toBeUndefined();
  });

  it('rejects a well-signed id with a non-numeric, over-long or negative argument', () => {
    expect(signer.decode(forge('a1.m.abc.7'))).toEqual({ action: 'more', answerId: 'abc', arg: 7 });
    for (const arg of ['x1', '1e3', '0x10', ' 12', '-1', '1.5', '', '12345']) {
      expect(signer.decode(forge(`a1.m.abc.${arg}`)), arg).toBeUndefined();
    }
  });

  it('rejects a well-signed id with an unknown action or a bad answer id', () => {
    expect(signer.decode(forge('a1.z.abc.1'))).toBeUndefined();
    expect(signer.decode(forge('a1.M.abc.1'))).toBeUndefined();
    expect(signer.decode(forge('a1.m.a+b.1'))).toBeUndefined();
    expect(signer.decode(forge('a1.m..1'))).toBeUndefined();
    expect(signer.decode(forge(`a1.m.${'a'.repeat(41)}.1`))).toBeUndefined();
  });

  it('rejects a well-signed id whose action code is an Object.prototype key', () => {
    // ACTIONS is a plain object, so ACTIONS['constructor'] is truthy (the Object function).
    for (const code of ['constructor', 'toString', '__proto__']) {
      expect(signer.decode(forge(`a1.${code}.abc.1`)), code).toBeUndefined();
    }
  });

  it('rejects over-long and non-string input', () => {
    const id = signer.encode({ action: 'more', answerId: 'abc', arg: 1 });
    expect(signer.decode(id + 'x'.repeat(200))).toBeUndefined();
    expect(signer.decode('a1.m.abc.1.' + 'x'.repeat(10_000))).toBeUndefined();
    expect(signer.decode(undefined as unknown as string)).toBeUndefined();
    expect(signer.decode(42 as unknown as string)).toBeUndefined();
  });

  it('refuses to encode an invalid answer id, naming it', () => {
    for (const answerId of ['', 'has space', 'plus+sign', 'dot.ted', 'ünï', 'x'.repeat(41)]) {
      expect(() => signer.encode({ action: 'more', answerId, arg: 0 })).toThrow(
        `invalid answer id ${JSON.stringify(answerId)}`,
      );
    }
  });

  it('carries URL-safe ids (the feedback service’s: letters, digits, - and _)', () => {
    for (const answerId of ['a-b_c', 'Zm9v-YmFy_Q', '-', '_'.repeat(40)]) {
      const id = signer.encode({ action: 'up', answerId, arg: 0 });
      expect(signer.decode(id)).toEqual({ action: 'up', answerId, arg: 0 });
    }
  });

  it('refuses to encode an invalid argument, naming it', () => {
    for (const arg of [-1, 1.5, 10_000, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => signer.encode({ action: 'full', answerId: 'abc', arg })).toThrow(
        `invalid button argument ${arg}`,
      );
    }
  });
});

// ---------------------------------------------------------------------------
// AnswerStore
// ---------------------------------------------------------------------------

describe('AnswerStore', () => {
  const answer = answerQuestion(INDEX, 'quokka marmalade');
  const entry = { userId: '1', answer, articles: INDEX.articles, perPage: 3, private: false };

  it('stores an answer under a fresh id usable in a button, stamped with the clock', () => {
    let now = 5_000;
    const store = new AnswerStore({ now: () => now });
    const a = store.add(entry);
    now = 6_000;
    const b = store.add(entry);
    expect(a.createdAt).toBe(5_000);
    expect(b.createdAt).toBe(6_000);
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[A-Za-z0-9]{12}$/u);
    expect(store.get(a.id)).toBe(a);
    expect(store.get(b.id)?.answer).toBe(answer);
    expect(SIGNER.decode(SIGNER.encode({ action: 'more', answerId: a.id, arg: 0 }))?.answerId).toBe(a.id);
    expect(store.get('unknown')).toBeUndefined();
  });

  it('gives ids that are unique across many entries', () => {
    const store = new AnswerStore({ now: () => 0 });
    const ids = new Set(Array.from({ length: 2000 }, () => store.add(entry).id));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{12}$/u);
  });

  it('expires an entry after ttlMs', () => {
    let now = 0;
    const store = new AnswerStore({ ttlMs: 1_000, now: () => now });
    const a = store.add(entry);
    now = 1_000;
    expect(store.get(a.id)).toBe(a);
    now = 1_001;
    expect(store.get(a.id)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('defaults to the 15-minute interaction token lifetime', () => {
    let now = 0;
    const store = new AnswerStore({ now: () => now });
    expect(store.ttlMs).toBe(LIMITS.interactionTokenMs);
    const a = store.add(entry);
    now = LIMITS.interactionTokenMs;
    expect(store.get(a.id)).toBe(a);
    now += 1;
    expect(store.get(a.id)).toBeUndefined();
  });

  it('sweeps expired entries when adding', () => {
    let now = 0;
    const store = new AnswerStore({ ttlMs: 100, now: () => now });
    store.add(entry);
    store.add(entry);
    now = 50;
    const young = store.add(entry);
    expect(store.size).toBe(3);
    now = 120;
    store.add(entry);
    expect(store.size).toBe(2);
    expect(store.get(young.id)).toBe(young);
  });

  it('never grows beyond maxEntries, evicting the oldest first', () => {
    let now = 0;
    const store = new AnswerStore({ maxEntries: 3, now: () => now });
    const added: StoredAnswer[] = [];
    for (let i = 0; i < 10; i++) {
      now = i;
      added.push(store.add(entry));
      expect(store.size).toBeLessThanOrEqual(3);
    }
    expect(store.size).toBe(3);
    expect(added.slice(0, 7).every((a) => store.get(a.id) === undefined)).toBe(true);
    expect(added.slice(7).map((a) => store.get(a.id))).toEqual(added.slice(7));
  });

  it('rejects a non-positive ttlMs, quoting it', () => {
    for (const ttlMs of [0, -5, Number.NaN]) {
      expect(() => new AnswerStore({ ttlMs })).toThrow(`ttlMs must be positive; got ${ttlMs}`);
    }
  });

  it('rejects a maxEntries that is not a positive whole number, quoting it', () => {
    for (const maxEntries of [0, -2, 1.5, Number.NaN]) {
      expect(() => new AnswerStore({ maxEntries })).toThrow(
        `maxEntries must be a positive whole number; got ${maxEntries}`,
      );
    }
  });
});

// ---------------------------------------------------------------------------
// RateLimiter
// ---------------------------------------------------------------------------

describe('RateLimiter', () => {
  function limiter(limit: number, windowMs: number, maxKeys?: number) {
    const clock = { now: 0 };
    const rl = new RateLimiter({ limit, windowMs, now: () => clock.now, ...(maxKeys ? { maxKeys } : {}) });
    return { rl, clock };
  }

  it('forgets keys whose events have all left the window', () => {
    const { rl, clock } = limiter(2, 1_000);
    for (let k = 0; k < 1000; k++) {
      clock.now = k * 10;
      expect(rl.take(`user-${k}`)).toBe(0);
    }
    // Only the keys seen within the last second (100 of them, one every 10 ms) are kept.
    expect(rl.size).toBe(100);
    clock.now = 20_000;
    expect(rl.take('late')).toBe(0);
    expect(rl.size).toBe(1);
    // A key still inside its window keeps its events.
    expect(rl.take('late')).toBe(0);
    expect(rl.take('late')).toBe(1_000);
  });

  it('refund gives back the last event taken, for that key only', () => {
    const { rl, clock } = limiter(2, 1_000);
    expect(rl.refund('u')).toBe(false);
    expect(rl.take('u')).toBe(0);
    expect(rl.take('v')).toBe(0);
    clock.now = 100;
    expect(rl.take('u')).toBe(0);
    expect(rl.take('u')).toBe(900);
    expect(rl.refund('u')).toBe(true);
    expect(rl.take('u')).toBe(0);
    expect(rl.take('u')).toBe(900);
    // v's one event is untouched by u's refunds.
    expect(rl.take('v')).toBe(0);
    expect(rl.take('v')).toBe(900);
  });

  it('allows `limit` events in a window, then returns the wait in ms', () => {
    const { rl, clock } = limiter(3, 1_000);
    expect(rl.take('u')).toBe(0);
    clock.now = 100;
    expect(rl.take('u')).toBe(0);
    clock.now = 200;
    expect(rl.take('u')).toBe(0);
    clock.now = 300;
    expect(rl.take('u')).toBe(700);
    clock.now = 999;
    expect(rl.take('u')).toBe(1);
  });

  it('frees up as the window slides past the oldest event', () => {
    const { rl, clock } = limiter(2, 1_000);
    rl.take('u');
    clock.now = 400;
    rl.take('u');
    clock.now = 1_000;
    expect(rl.take('u')).toBe(0);
    clock.now = 1_100;
    expect(rl.take('u')).toBe(300);
    clock.now = 1_400;
    expect(rl.take('u')).toBe(0);
  });

  it('does not count refused attempts', () => {
    const { rl, clock } = limiter(1, 1_000);
    expect(rl.take('u')).toBe(0);
    for (let t = 100; t < 1_000; t += 100) {
      clock.now = t;
      expect(rl.take('u')).toBe(1_000 - t);
    }
    clock.now = 1_000;
    expect(rl.take('u')).toBe(0);
  });

  it('keeps keys independent', () => {
    const { rl } = limiter(1, 1_000);
    expect(rl.take('a')).toBe(0);
    expect(rl.take('a')).toBeGreaterThan(0);
    expect(rl.take('b')).toBe(0);
    expect(rl.take('b')).toBeGreaterThan(0);
  });

  it('forgets the least recently allowed key beyond maxKeys', () => {
    const { rl, clock } = limiter(1, 60_000, 2);
    expect(rl.take('a')).toBe(0);
    clock.now = 1;
    expect(rl.take('b')).toBe(0);
    clock.now = 2;
    expect(rl.take('a')).toBeGreaterThan(0);
    expect(rl.take('b')).toBeGreaterThan(0);
    clock.now = 3;
    expect(rl.take('c')).toBe(0);
    // "a" was tracked longest, so it is forgotten and allowed again; "b" and "c" are still limited.
    expect(rl.take('b')).toBeGreaterThan(0);
    expect(rl.take('c')).toBeGreaterThan(0);
    expect(rl.take('a')).toBe(0);
  });

  it('rejects a limit that is not a positive whole number, quoting it', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => new RateLimiter({ limit, windowMs: 1_000 })).toThrow(
        `limit must be a positive whole number; got ${limit}`,
      );
    }
  });

  it('rejects a non-positive window, quoting it', () => {
    for (const windowMs of [0, -10, Number.NaN]) {
      expect(() => new RateLimiter({ limit: 1, windowMs })).toThrow(
        `windowMs must be positive; got ${windowMs}`,
      );
    }
  });

  it('uses the real clock by default', () => {
    const rl = new RateLimiter({ limit: 1, windowMs: 60_000 });
    expect(rl.take('x')).toBe(0);
    const wait = rl.take('x');
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
  });
});

// ---------------------------------------------------------------------------
// Redactor
// ---------------------------------------------------------------------------

describe('Redactor', () => {
  const token = 'Q2l0ZWJvdA.Gx_7Yq.s3cr3t_part-that-must-not-leak';
  const r = new Redactor([token, undefined, 'short']);

  it('replaces a secret in plain text, in any case, and leaves other text alone', () => {
    expect(r.text(`a ${token} b`)).toBe(`a ${REDACTED} b`);
    expect(r.text(`a ${token.toUpperCase()} b ${token}`)).toBe(`a ${REDACTED} b ${REDACTED}`);
    expect(r.text('nothing secret here, short or not')).toBe('nothing secret here, short or not');
    expect(new Redactor([]).active).toBe(false);
    expect(new Redactor(['short']).text('a short b')).toBe('a short b');
  });

  it('finds it in escaped Markdown, with zero-width characters and highlights, and keeps the formatting balanced', () => {
    const escaped = escapeText(`see ${token}.`);
    expect(escaped).toContain('\\_');
    expect(r.text(escaped, true)).toBe('see \\[redacted\\].');
    expect(r.text(`x ${token.slice(0, 10)}\u200b${token.slice(10)} y`, true)).toBe('x \\[redacted\\] y');
    // Highlighted words inside the secret; one highlight starts inside it and ends after it: the bold
    // markers stay paired.
    expect(r.text(`put **${token.slice(0, 13)}**\\_**${token.slice(14)}** here`, true)).toBe(
      'put **\\[redacted\\]** here',
    );
    const out = r.text(`put ${token.slice(0, 13)}\\_**${token.slice(14)} here** now`, true);
    expect(out).toBe('put \\[redacted\\]** here** now');
    expect(out.split('**').length % 2).toBe(1);
    // Plain (non-Markdown) fields get the plain marker.
    expect(r.text(`t ${token}`, false)).toBe(`t ${REDACTED}`);
  });

  it('never makes a text longer', () => {
    const eight = new Redactor(['abcdefgh']);
    expect(eight.text('x abcdefgh y', true)).toBe('x … y');
    for (const text of [token, escapeText(token), `**${token}**`]) {
      expect(r.text(text, true).length).toBeLessThanOrEqual(text.length);
    }
  });

  it('redacts every string of a message by its Markdown-ness, and returns clean values untouched', () => {
    const msg = {
      content: `Q: ${escapeText(token)}`,
      embeds: [
        {
          title: `Title ${token}`,
          description: escapeText(token),
          fields: [{ name: token, value: escapeText(token) }],
          footer: { text: token },
        },
      ],
      components: [{ type: 1, components: [{ type: 2, label: token, custom_id: 'a1.m.x' }] }],
    };
    expect(r.value(msg)).toEqual({
      content: 'Q: \\[redacted\\]',
      embeds: [
        {
          title: `Title ${REDACTED}`,
          description: '\\[redacted\\]',
          fields: [{ name: REDACTED, value: '\\[redacted\\]' }],
          footer: { text: REDACTED },
        },
      ],
      components: [{ type: 1, components: [{ type: 2, label: REDACTED, custom_id: 'a1.m.x' }] }],
    });
    const clean = { content: 'hello', embeds: [{ description: 'world' }] };
    expect(r.value(clean)).toBe(clean);
  });

  it('redacts request bodies: JSON text and multipart payload_json', () => {
    const body = JSON.stringify({
      type: 4,
      data: { content: escapeText(token), choices: [{ name: token }] },
    });
    expect(JSON.parse(r.body(body))).toEqual({
      type: 4,
      data: { content: '\\[redacted\\]', choices: [{ name: REDACTED }] },
    });
    const clean = JSON.stringify({ content: 'x' });
    expect(r.body(clean)).toBe(clean);
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: token }));
    form.append('files[0]', new Blob(['data']), 'a.txt');
    expect(JSON.parse(r.body(form).get('payload_json') as string)).toEqual({ content: '\\[redacted\\]' });
    expect(r.body(undefined)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------
// Memory report
// ---------------------------------------------------------------------------

describe('memory report', () => {
  const usage: NodeJS.MemoryUsage = {
    rss: 160 * 1024 * 1024,
    heapTotal: 99.14 * 1024 * 1024,
    heapUsed: 54.46 * 1024 * 1024,
    external: 5 * 1024 * 1024,
    arrayBuffers: 0.9 * 1024 * 1024,
  };

  it('reports every figure in MB with one decimal', () => {
    expect(memoryFields(usage)).toEqual({
      rssMB: 160,
      heapUsedMB: 54.5,
      heapTotalMB: 99.1,
      externalMB: 5,
      arrayBuffersMB: 0.9,
    });
    const real = memoryFields();
    expect(real.rssMB).toBeGreaterThan(real.heapUsedMB);
  });

  it('logs one "memory" line per interval, as JSON fields too, until stopped', () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      const log = createLogger({ json: true, write: (l) => lines.push(l) });
      const stop = startMemoryLog(log, 1000, () => usage);
      vi.advanceTimersByTime(3500);
      expect(lines).toHaveLength(3);
      expect(JSON.parse(lines[0] as string)).toMatchObject({
        level: 'info',
        msg: 'memory',
        rssMB: 160,
        heapUsedMB: 54.5,
        heapTotalMB: 99.1,
        externalMB: 5,
        arrayBuffersMB: 0.9,
      });
      stop();
      vi.advanceTimersByTime(5000);
      expect(lines).toHaveLength(3);
      expect(() => startMemoryLog(log, 0)).toThrow('everyMs must be positive; got 0');
    } finally {
      vi.useRealTimers();
    }
  });
});
