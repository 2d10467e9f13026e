/**
 * /sources, /help and /reindex as Discord messages.
 */
import { discordHelpLines } from '../app/help.js';
import {
  HELP_TEXT,
  type ReindexResult,
  type SourcesResult,
  sectionName,
  semanticStatus,
} from '../commands/commands.js';
import type { ArticleMeta } from '../core/types.js';
import type { ArticleOrigin } from '../manage/types.js';
import { COLOUR, count, linkButton, payload, plain, renderNote, type ReplyPayload } from './render-common.js';
import { escapeText, safeUrl } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';

/** What a re-index reports (the command layer's type). */
type ReindexReport = ReindexResult['report'];
/** How far the semantic stage is (the command layer's type). */
type SemanticCoverage = SourcesResult['semantic'];

/** /sources: every article with its facts, or one article's sections. */
export function renderSources(
  articles: readonly ArticleMeta[],
  one?: ArticleMeta,
  semantic?: SemanticCoverage,
  origins?: ReadonlyMap<string, ArticleOrigin>,
): ReplyPayload {
  if (one) {
    const from = originText(origins?.get(one.file));
    const sections = one.sections.map(
      (s) => `• ${escapeText(sectionName(s.name))} — ${count(s.passages, 'passage')}`,
    );
    const url = safeUrl(one.url);
    const meta = [one.date, one.author].filter(Boolean).map((x) => escapeText(x as string));
    return payload({
      embeds: [
        {
          title: plain(one.title),
          ...(url ? { url } : {}),
          description: [meta.length ? `-# ${meta.join(' · ')}` : '', from ? `-# ${from}` : '', ...sections]
            .filter(Boolean)
            .join('\n'),
          footer: { text: plain(`${one.file} · ${count(one.passages, 'passage')}`) },
          color: COLOUR.info,
        },
      ],
      components: [{ type: 1, components: linkButton(url) }],
    });
  }
  if (articles.length === 0) return renderNote('No articles are indexed yet.', 'info', false);
  const fields = articles.slice(0, LIMITS.fields).map((a) => {
    const url = safeUrl(a.url);
    const facts = escapeText(
      `${a.date ? `${a.date} · ` : ''}${count(a.sections.filter((s) => s.name).length, 'section')} · ${count(a.passages, 'passage')}`,
    );
    const from = originText(origins?.get(a.file));
    const value = url ? `${facts} · [source](<${url}>)` : facts;
    return { name: plain(a.title), value: from ? `${value}\n-# ${from}` : value };
  });
  const hidden = [...(origins?.values() ?? [])].filter((o) => o.hidden).length;
  return payload({
    embeds: [
      {
        title: count(articles.length, 'article'),
        description: [
          articles.length > LIMITS.fields
            ? `Showing the first ${LIMITS.fields}. Use \`/sources article:\` to see one article's sections.`
            : "Use `/sources article:` to see one article's sections.",
          ...(semantic ? [`-# ${escapeText(semanticStatus(semantic))}`] : []),
          ...(hidden
            ? [
                `-# ${count(hidden, 'folder article')} hidden from Discord (\`/corpus restore\` shows one again)`,
              ]
            : []),
        ].join('\n'),
        fields,
        color: COLOUR.info,
      },
    ],
  });
}

/** /help: what citebot does and its commands, ephemeral. */
export function renderHelp(articles: number, passages: number): ReplyPayload {
  return payload({
    embeds: [
      {
        title: 'citebot',
        description: [
          HELP_TEXT.what,
          '',
          '**Commands**',
          ...discordHelpLines(),
          '',
          '**Tips**',
          ...HELP_TEXT.how.map((h) => `• ${h}`),
        ].join('\n'),
        footer: { text: `${count(articles, 'article')} · ${count(passages, 'passage')} indexed` },
        color: COLOUR.info,
      },
    ],
    flags: EPHEMERAL,
  });
}

/** /reindex: what changed, or why it failed (the old index keeps serving). */
export function renderReindex(report: ReindexReport): ReplyPayload {
  if (!report.ok) {
    return payload({
      embeds: [
        {
          title: 'Re-index failed',
          description: `${escapeText(report.error ?? 'Unknown error')}\nThe previous index keeps serving.`,
          color: COLOUR.error,
        },
      ],
      flags: EPHEMERAL,
    });
  }
  const list = (xs: string[]) =>
    xs.length
      ? xs
          .slice(0, 15)
          .map((x) => `• ${escapeText(x)}`)
          .join('\n') + (xs.length > 15 ? `\n… and ${xs.length - 15} more` : '')
      : 'none';
  const fields = [
    { name: `Added (${report.added.length})`, value: list(report.added) },
    { name: `Changed (${report.changed.length})`, value: list(report.changed) },
    { name: `Removed (${report.removed.length})`, value: list(report.removed) },
  ];
  if (report.skipped.length) {
    fields.push({
      name: `Skipped (${report.skipped.length})`,
      value: list(report.skipped.map((s) => `${s.file}: ${s.reason}`)),
    });
  }
  return payload({
    embeds: [
      {
        title: 'Re-indexed',
        description: `${count(report.files, 'file')} · ${count(report.articles, 'article')} · ${count(report.passages, 'passage')} · ${report.ms} ms`,
        fields,
        color: COLOUR.ok,
      },
    ],
    flags: EPHEMERAL,
  });
}

/**
 * Where an article comes from, as one line: "From the corpus folder" or "Added from Discord by
 * <@id> <t:…:R>" (mentions in these messages never ping: allowed_mentions parses none).
 */
export function originText(o: ArticleOrigin | undefined): string | undefined {
  if (!o) return undefined;
  if (o.origin === 'folder') return 'From the corpus folder';
  const by = o.addedBy && /^\d{1,25}$/u.test(o.addedBy) ? ` by <@${o.addedBy}>` : '';
  const when = o.addedAt ? ` <t:${Math.floor(o.addedAt / 1000)}:R>` : '';
  return `Added from Discord${by}${when}`;
}
