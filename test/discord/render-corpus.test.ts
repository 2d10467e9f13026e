/**
 * /corpus's message bodies (render-corpus.ts), read with independent helpers: within Discord's
 * limits however long the corpus text is, corpus and user text escaped so it neither pings nor
 * formats, nobody pinged, the buttons each kind of proposal gets, and the audit log's ends.
 */
import type { APIButtonComponentWithCustomId, APIEmbed } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { CORPUS_DECISIONS, CustomIdSigner, LOG_ID } from '../../src/discord/custom-id.js';
import { LIMITS } from '../../src/discord/limits.js';
import type { ReplyPayload } from '../../src/discord/render-common.js';
import {
  renderApplied,
  renderAuditPage,
  renderManageRefusal,
  renderProposal,
} from '../../src/discord/render-corpus.js';
import type { ArticleOrigin, AuditPage, Proposed } from '../../src/manage/types.js';
import type { AuditEntry } from '../../src/store/corpus-types.js';
import { embedChars, unformat, ZWSP } from './markdown.js';

const signer = new CustomIdSigner();
const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

const HOSTILE = '@everyone **bold** <@123456789012345678> [link](https://evil.example) `code` # heading';

function proposed(extra: Partial<Proposed> = {}): Proposed {
  return {
    ok: true,
    proposalId: 'prop_Abc-123',
    kind: 'add',
    preview: {
      title: 'Open models',
      sections: ['Why open', 'Why open › Trust'],
      passages: 12,
      sample: 'Open-source models allow anyone to inspect the code.',
      source: 'https://example.org/open',
      bytes: 4096,
    },
    expiresAt: NOW + 15 * 60 * 1000,
    ...extra,
  };
}

const discordArticle: ArticleOrigin = {
  file: 'discord/open-models.md',
  title: 'Open models',
  origin: 'discord',
  addedBy: '223456789012345678',
  addedAt: NOW - 86_400_000,
  sourceUrl: 'https://example.org/open',
};
const folderArticle: ArticleOrigin = { file: 'why-open.md', title: 'Why open', origin: 'folder' };

type Button = APIButtonComponentWithCustomId & { emoji?: { name?: string } };
const buttonsOf = (p: ReplyPayload) => p.components.flatMap((r) => r.components) as Button[];
const labelsOf = (p: ReplyPayload) => buttonsOf(p).map((b) => b.label);
const text = (e: APIEmbed) =>
  [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text].join('\n');
const first = (p: ReplyPayload): APIEmbed => {
  const e = p.embeds[0];
  if (!e) throw new Error('no embed');
  return e;
};

/** Every limit Discord checks on a message body. */
function expectWithinLimits(p: ReplyPayload): void {
  expect(p.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  expect(p.embeds.reduce((s, e) => s + embedChars(e), 0)).toBeLessThanOrEqual(LIMITS.embedTotal);
  for (const e of p.embeds) {
    expect(e.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedTitle);
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedDescription);
    expect(e.footer?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.footerText);
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    }
  }
  expect(p.components.length).toBeLessThanOrEqual(LIMITS.rows);
  for (const row of p.components) expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
  for (const b of buttonsOf(p)) {
    expect(b.label?.length ?? 0).toBeLessThanOrEqual(LIMITS.buttonLabel);
    expect(b.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
  }
  const ids = buttonsOf(p).map((b) => b.custom_id);
  expect(new Set(ids).size).toBe(ids.length);
}

/** Nothing in the body pings: mentions are defused in the text and none is allowed. */
function expectNoPing(p: ReplyPayload): void {
  expect(p.allowed_mentions).toEqual({ parse: [] });
  for (const e of p.embeds) {
    const t = text(e);
    expect(t).not.toMatch(/@(everyone|here)/u);
    expect(t).not.toContain('<@123456789012345678>');
  }
}

describe('a proposal', () => {
  it('stays within every limit for a huge title, 300 sections, a long sample and a long source', () => {
    const p = renderProposal(
      proposed({
        preview: {
          title: `${HOSTILE} `.repeat(80),
          sections: Array.from({ length: 300 }, (_, i) => `Section ${i} › ${'deep '.repeat(40)}`),
          passages: 9999,
          sample: `${HOSTILE} `.repeat(200),
          source: `https://example.org/${'a'.repeat(3000)}`,
          bytes: 2_000_000,
        },
      }),
      signer,
    );
    expectWithinLimits(p);
    expectNoPing(p);
    expect(p.flags).toBe(64);
    const sections = first(p).fields?.find((f) => f.name.startsWith('Sections'));
    expect(sections?.name).toBe('Sections (300)');
    expect(sections?.value).toMatch(/\n… and \d+ more$/u);
    expect(sections?.value).toContain('• Section 0 › deep');
  });

  it('escapes corpus text: no live mention, no Markdown from the title, the sample or the sections', () => {
    const p = renderProposal(
      proposed({
        preview: { ...proposed().preview, title: HOSTILE, sections: [HOSTILE], sample: HOSTILE },
      }),
      signer,
    );
    expectNoPing(p);
    const e = first(p);
    expect(e.title).toContain(`@${ZWSP}everyone`);
    const sample = e.fields?.find((f) => f.name === 'Sample passage')?.value ?? '';
    expect(sample.startsWith('> ')).toBe(true);
    expect(sample).toContain('\\*\\*bold\\*\\*');
    expect(sample).toContain('\\[link\\]');
    // Read back as text, it is what the article says.
    expect(unformat(sample.slice(2))).toBe(HOSTILE);
    const section = e.fields?.find((f) => f.name.startsWith('Sections'))?.value ?? '';
    expect(section).toContain('\\*\\*bold\\*\\*');
  });

  it('offers [Add] [Cancel] with ids naming the proposal and the decision, and the expiry', () => {
    const p = renderProposal(proposed(), signer);
    expect(labelsOf(p)).toEqual(['Add', 'Cancel']);
    const [add, cancel] = buttonsOf(p);
    expect(signer.decode(add?.custom_id ?? '')).toEqual({
      action: 'corpus',
      answerId: 'prop_Abc-123',
      arg: CORPUS_DECISIONS.indexOf('confirm'),
    });
    expect(signer.decode(cancel?.custom_id ?? '')?.arg).toBe(CORPUS_DECISIONS.indexOf('cancel'));
    const e = first(p);
    expect(e.title).toBe('Add “Open models”?');
    expect(e.description).toContain(`<t:${Math.floor((NOW + 15 * 60 * 1000) / 1000)}:R>`);
    expect(e.description).toContain('**Source:** [https://example.org/open](<https://example.org/open>)');
    expect(e.description).toContain('12 passages');
  });

  it('on a clash offers [Replace] [Cancel] (no Add) and names the article already there', () => {
    for (const reason of ['title', 'content'] as const) {
      const p = renderProposal(proposed({ clash: { article: discordArticle, reason } }), signer);
      expect(labelsOf(p)).toEqual(['Replace', 'Cancel']);
      expect(signer.decode(buttonsOf(p)[0]?.custom_id ?? '')?.arg).toBe(CORPUS_DECISIONS.indexOf('replace'));
      const same = reason === 'title' ? 'title' : 'text';
      expect(first(p).description).toContain(
        `An article with the same ${same} is already there: “Open models” (discord/open-models.md)`,
      );
      expect(first(p).description).toContain('added by <@223456789012345678>');
    }
  });

  it('labels the confirmation by kind and origin: Update, Remove, Hide (the file stays), Restore', () => {
    const update = renderProposal(
      proposed({
        kind: 'update',
        target: discordArticle,
        diff: { added: 2, changed: 1, removed: 3, unchanged: 40 },
      }),
      signer,
    );
    expect(labelsOf(update)).toEqual(['Update', 'Cancel']);
    expect(first(update).description).toContain(
      '**Changes:** 2 passages added · 1 changed · 3 removed · 40 unchanged',
    );
    const remove = renderProposal(proposed({ kind: 'remove', target: discordArticle }), signer);
    expect(labelsOf(remove)).toEqual(['Remove', 'Cancel']);
    const hide = renderProposal(proposed({ kind: 'remove', target: folderArticle }), signer);
    expect(labelsOf(hide)).toEqual(['Hide', 'Cancel']);
    expect(first(hide).description).toContain('the file stays; the index leaves it out');
    const restore = renderProposal(
      proposed({ kind: 'restore', target: { ...folderArticle, hidden: true } }),
      signer,
    );
    expect(labelsOf(restore)).toEqual(['Restore', 'Cancel']);
    expect(first(restore).title).toBe('Restore “Open models”?');
  });

  it('when nothing changed has no buttons, just says so', () => {
    const p = renderProposal(
      proposed({
        kind: 'update',
        proposalId: '',
        target: discordArticle,
        unchanged: true,
        diff: { added: 0, changed: 0, removed: 0, unchanged: 12 },
      }),
      signer,
    );
    expect(p.components).toEqual([]);
    expect(text(first(p))).toContain('nothing changed');
    expect(first(p).description).not.toContain('expires');
  });
});

describe('what deciding did', () => {
  it('says the service’s line and the re-index’s figures, with no buttons left', () => {
    const p = renderApplied({
      ok: true,
      decision: 'confirm',
      message: 'Added “@everyone *Open*” (12 passages).',
      report: {
        ok: true,
        files: 4,
        passages: 120,
        articles: 4,
        added: ['discord/open.md'],
        changed: [],
        removed: [],
        skipped: [],
        ms: 20,
      },
    });
    expect(p.components).toEqual([]);
    expectNoPing(p);
    expect(first(p).description).toBe(
      `Added “@${ZWSP}everyone \\*Open\\*” (12 passages).\n-# Re-indexed: 4 articles · 120 passages`,
    );
  });

  it('says a failed re-index, and a cancel plainly', () => {
    const failed = renderApplied({
      ok: true,
      decision: 'replace',
      message: 'Replaced “Open”.',
      report: {
        ok: false,
        files: 0,
        passages: 0,
        articles: 0,
        added: [],
        changed: [],
        removed: [],
        skipped: [],
        ms: 1,
        error: 'disk full',
      },
    });
    expect(first(failed).description).toContain('Re-index failed: disk full');
    const cancelled = renderApplied({ ok: true, decision: 'cancel', message: 'Cancelled: nothing changed.' });
    expect(first(cancelled).title).toBe('Cancelled');
    expect(cancelled.components).toEqual([]);
  });

  it('a refusal is an ephemeral error note with the service’s message', () => {
    const p = renderManageRefusal({ ok: false, code: 'not_yours', message: 'Only the moderator who asked…' });
    expect(p.flags).toBe(64);
    expect(first(p).description).toBe('Only the moderator who asked…');
  });
});

describe('the audit log', () => {
  const entry = (id: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
    id,
    at: NOW - id * 60_000,
    actor: '223456789012345678',
    action: 'add',
    target: `“Open models ${id}” (discord/open-${id}.md)`,
    detail: '12 passages',
    ...extra,
  });
  const page = (n: number, pages: number, entries: AuditEntry[]): AuditPage => ({
    ok: true,
    entries,
    page: n,
    pages,
    total: pages * 10,
  });

  it('shows one line per entry: when · who · action · target · detail', () => {
    const p = renderAuditPage(
      page(1, 1, [entry(1), entry(2, { actor: 'terminal', action: 'reindex', target: HOSTILE, detail: '' })]),
      signer,
    );
    expectNoPing(p);
    const lines = (first(p).description ?? '').split('\n');
    expect(lines[0]).toBe(
      `<t:${Math.floor((NOW - 60_000) / 1000)}:f> · <@223456789012345678> · **add** · “Open models 1” (discord/open-1.md) · 12 passages`,
    );
    expect(lines[1]).toMatch(/^<t:\d+:f> · terminal · \*\*reindex\*\* · @\u200beveryone \\\*\\\*bold/u);
    expect(first(p).title).toBe('Audit log · page 1 of 1');
    // One page: nothing to turn.
    expect(p.components).toEqual([]);
  });

  it('◀ is disabled on the first page and ▶ on the last; they name the pages next to it', () => {
    const firstPage = renderAuditPage(page(1, 3, [entry(1)]), signer);
    const [newer, older] = buttonsOf(firstPage);
    expect(newer?.emoji?.name).toBe('◀️');
    expect(newer?.disabled).toBe(true);
    expect(older?.disabled).toBe(false);
    expect(signer.decode(older?.custom_id ?? '')).toEqual({ action: 'log', answerId: LOG_ID, arg: 2 });
    const middle = buttonsOf(renderAuditPage(page(2, 3, [entry(1)]), signer));
    expect(middle.map((b) => b.disabled)).toEqual([false, false]);
    expect(signer.decode(middle[0]?.custom_id ?? '')?.arg).toBe(1);
    const last = buttonsOf(renderAuditPage(page(3, 3, [entry(1)]), signer));
    expect(last.map((b) => b.disabled)).toEqual([false, true]);
  });

  it('stays within the limits with long entries, and says when it is empty', () => {
    const long = Array.from({ length: 10 }, (_, i) =>
      entry(i, { target: HOSTILE.repeat(30), detail: HOSTILE.repeat(30) }),
    );
    const p = renderAuditPage(page(2, 3, long), signer);
    expectWithinLimits(p);
    expectNoPing(p);
    const empty = renderAuditPage({ ok: true, entries: [], page: 1, pages: 1, total: 0 }, signer);
    expect(first(empty).description).toBe('Nothing in the audit log yet.');
  });
});
