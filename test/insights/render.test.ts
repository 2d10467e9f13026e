/**
 * The insights report rendered: Discord pages within Discord's limits however long the report
 * (300 groups of long, hostile questions), every line on some page, ◀/▶ with signed ids, text
 * escaped and nobody pinged; the terminal text and the JSON.
 */
import { describe, expect, it } from 'vitest';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import { parseDaysOption } from '../../src/app/terminal.js';
import { LIMITS } from '../../src/discord/limits.js';
import { insightsPageCount, renderInsights } from '../../src/discord/render-insights.js';
import type { InsightsGroup, InsightsReport } from '../../src/insights/types.js';
import { insightsJson, renderInsights as renderText, TERMINAL_LIST_MAX } from '../../src/render/insights.js';
import { plainStyle } from '../../src/render/terminal.js';
import { DAY, NOW } from './fixtures.js';

const signer = new CustomIdSigner();
const HOSTILE = '@everyone **bold** <@123456789012345678> `code` # heading ||spoiler||';

function group(i: number, extra: Partial<InsightsGroup> = {}): InsightsGroup {
  return {
    question: `Q${i} ${HOSTILE} ${'long words '.repeat(30)}`,
    count: 300 - i,
    answered: Math.floor((300 - i) / 2),
    answeredShare: 0.5,
    others: [`other A${i} @here`, `other B${i}`, `other C${i}`],
    wordings: 6,
    latest: NOW - i * 1000,
    ...extra,
  };
}

function bigReport(): InsightsReport {
  return {
    window: { days: 7, since: NOW - 7 * DAY, until: NOW },
    totals: {
      questions: 45150,
      answered: 20000,
      declined: 25150,
      distinct: 900,
      groups: 300,
      up: 4,
      down: 9,
      picks: 3,
    },
    similarity: 'vectors',
    frequent: Array.from({ length: 300 }, (_, i) => group(i)),
    declined: Array.from({ length: 40 }, (_, i) => group(1000 + i, { answered: 0, answeredShare: 0 })),
    downvoted: Array.from({ length: 30 }, (_, i) => ({
      answerId: `a${i}`,
      question: `D${i} ${HOSTILE}`,
      up: 1,
      down: 3,
      answered: i % 2 === 0,
      latest: NOW,
      picks: Array.from({ length: 5 }, (_, j) => ({
        id: i * 10 + j,
        verdict: j === 1 ? ('none' as const) : ('answer' as const),
        passage: j === 1 ? '' : `Title › *Section* ${j}`,
        status: (['active', 'pending', 'undone'] as const)[j % 3] ?? 'active',
        byRole: j === 0 ? ('moderator' as const) : ('user' as const),
        at: NOW,
      })),
    })),
    quoted: Array.from({ length: 60 }, (_, i) => ({
      file: `f${i}.md`,
      title: `T${i} _x_`,
      section: i % 2 ? `S${i}` : '',
      count: 60 - i,
    })),
    quotedArticles: Array.from({ length: 20 }, (_, i) => ({
      file: `f${i}.md`,
      title: `A${i}`,
      count: 20 - i,
      current: i !== 3,
    })),
    neverQuoted: {
      articles: Array.from({ length: 50 }, (_, i) => ({ file: `n${i}.md`, title: `N${i} @everyone` })),
      sections: Array.from({ length: 50 }, (_, i) => ({ file: 'f1.md', title: 'T1', section: `Never ${i}` })),
    },
    notes: ['Only the 2,000 most recent distinct questions of 2,345 were grouped by similarity; <@1> note.'],
  };
}

type Body = ReturnType<typeof renderInsights>;
const embedText = (b: Body) =>
  b.embeds
    .map((e) =>
      [
        e.title ?? '',
        e.description ?? '',
        e.footer?.text ?? '',
        ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      ].join('\n'),
    )
    .join('\n');

function withinLimits(b: Body): void {
  expect(b.flags).toBe(64);
  expect(b.allowed_mentions).toEqual({ parse: [] });
  expect(b.embeds).toHaveLength(1);
  const e = b.embeds[0] ?? {};
  const fields = e.fields ?? [];
  expect(fields.length).toBeLessThanOrEqual(LIMITS.fields);
  for (const f of fields) {
    expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
    expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    expect(f.value.length).toBeGreaterThan(0);
  }
  expect((e.title ?? '').length).toBeLessThanOrEqual(LIMITS.embedTitle);
  expect((e.description ?? '').length).toBeLessThanOrEqual(LIMITS.embedDescription);
  const total =
    (e.title ?? '').length +
    (e.description ?? '').length +
    (e.footer?.text.length ?? 0) +
    fields.reduce((s, f) => s + f.name.length + f.value.length, 0);
  expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
  expect(b.components.length).toBeLessThanOrEqual(LIMITS.rows);
}

/** Every page, following ▶ from the first. */
function walk(r: InsightsReport): Body[] {
  const pages = [renderInsights(r, 0, signer)];
  for (;;) {
    const next = (pages.at(-1)?.components[0]?.components ?? []).find(
      (c) => 'label' in c && c.label === 'Next',
    );
    if (!next || !('custom_id' in next)) return pages;
    const ref = signer.decode(next.custom_id);
    expect(ref).toEqual({ action: 'insights', answerId: 'd7', arg: pages.length });
    expect(next.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
    pages.push(renderInsights(r, ref?.arg ?? 0, signer));
  }
}

let pagesOfBig: Body[] | undefined;
/** The big report's pages (walked once). */
const walked = () => (pagesOfBig ??= walk(bigReport()));

describe('Discord pages', () => {
  it('a long report: every page within the limits, every line on a page, ◀/▶ between them', () => {
    const r = bigReport();
    const pages = walked();
    expect(pages.length).toBe(insightsPageCount(r));
    expect(pages.length).toBeGreaterThan(10);
    pages.forEach(withinLimits);
    const all = pages.map(embedText).join('\n');
    for (let i = 0; i < 300; i++) expect(all).toContain(`Q${i} `);
    for (let i = 0; i < 40; i++) expect(all).toContain(`Q${1000 + i} `);
    for (let i = 0; i < 30; i++) expect(all).toContain(`D${i} `);
    for (let i = 0; i < 50; i++) expect(all).toContain(`Never ${i}`);
    expect(all).toContain('“other C0” and 2 more');
    expect(all).toContain('and 2 more picks');
    // The first page has the overview; the others go back with ◀.
    expect(pages[0]?.embeds[0]?.description).toContain(
      '**45150** questions (20000 answered, 25150 declined)',
    );
    expect(pages[0]?.embeds[0]?.footer?.text).toBe(
      `Page 1 of ${pages.length} · questions grouped by meaning and shared words · no asker is named`,
    );
    const labels = (b: Body | undefined) =>
      (b?.components[0]?.components ?? []).map((c) => ('label' in c ? c.label : ''));
    expect(labels(pages[0])).toEqual(['Next']);
    expect(labels(pages[3])).toEqual(['Previous', 'Next']);
    expect(labels(pages.at(-1))).toEqual(['Previous']);
  });

  it('escapes questions and corpus text: no live mention, no markdown of theirs', () => {
    const all = walked().map(embedText).join('\n');
    expect(all).not.toMatch(/@everyone|@here|<@\d|<@&/u);
    expect(all).toContain('@\u200beveryone');
    expect(all).toContain('\\*\\*bold\\*\\*');
    expect(all).toContain('\\`code\\`');
    expect(all).toContain('\\|\\|spoiler\\|\\|');
    expect(all).toContain('T1 \\_x\\_');
  });

  it('a page past the end shows the last; an empty report fits one page with what each section lacks', () => {
    const r = bigReport();
    const n = insightsPageCount(r);
    expect(renderInsights(r, 9999, signer)).toEqual(renderInsights(r, n - 1, signer));
    const empty: InsightsReport = {
      ...r,
      totals: { questions: 0, answered: 0, declined: 0, distinct: 0, groups: 0, up: 0, down: 0, picks: 0 },
      similarity: 'terms',
      frequent: [],
      declined: [],
      downvoted: [],
      quoted: [],
      quotedArticles: [],
      neverQuoted: { articles: [], sections: [] },
      notes: ['No questions were logged in the last 7 days.'],
    };
    const b = renderInsights(empty, 0, signer);
    withinLimits(b);
    expect(b.components).toEqual([]);
    expect(b.embeds[0]?.fields?.map((f) => f.value)).toEqual([
      'No questions.',
      'No question was declined.',
      'No answer was voted down.',
      'No answer quoted anything.',
      'No answer quoted anything.',
      'Every article was quoted.',
      'None: every section of them was quoted.',
    ]);
    expect(b.embeds[0]?.description).toContain('-# No questions were logged in the last 7 days.');
    expect(b.embeds[0]?.footer?.text).toContain('grouped by shared words');
  });
});

describe('the terminal', () => {
  it('shows the first of each section, counts the rest, and flattens control characters', () => {
    const r = bigReport();
    r.frequent[0] = group(0, { question: 'Line one\nline two\u202e\u0007' });
    const text = renderText(r, plainStyle);
    expect(text).toMatch(
      /^Insights: the last 7 days \(2025-07-02T12:00:00\.000Z to 2025-07-09T12:00:00\.000Z\)$/mu,
    );
    expect(text).toContain(
      '45150 questions: 20000 answered, 25150 declined; 900 distinct wordings in 300 groups (grouped by meaning and shared words)',
    );
    expect(text).toContain('  300× “Line one line two” — 50% answered');
    expect(text).not.toMatch(/[\u0007\u202e]/u);
    expect(text).toContain(`  … and ${300 - TERMINAL_LIST_MAX} more (--json lists them all)`);
    expect(text).toContain('     pick #0 (moderator, active): Title › *Section* 0');
    expect(text).toContain('     pick #1 (user, pending): none of these');
    expect(text).toContain('A3 — f3.md (gone)');
    expect(text).toContain('Note: Only the 2,000 most recent');
  });

  it('--days takes a whole number from 1 to 365, and says what was wrong in one line', () => {
    expect(parseDaysOption('30')).toEqual({ ok: true, days: 30 });
    expect(parseDaysOption('365')).toEqual({ ok: true, days: 365 });
    for (const bad of ['0', '366', '1.5', '-3', 'seven', '', '1e2'])
      expect(parseDaysOption(bad)).toEqual({
        ok: false,
        message: `--days must be a whole number from 1 to 365; got ${JSON.stringify(bad)}`,
      });
  });

  it('--json is the whole report with ISO times', () => {
    const r = bigReport();
    const json = JSON.parse(JSON.stringify(insightsJson(r))) as ReturnType<typeof insightsJson>;
    expect(json.window).toEqual({
      ...r.window,
      sinceIso: '2025-07-02T12:00:00.000Z',
      untilIso: '2025-07-09T12:00:00.000Z',
    });
    expect(json.frequent).toHaveLength(300);
    expect({ ...json, window: r.window }).toEqual(r);
  });
});
