/**
 * /corpus through the handler, on raw payloads, before any corpus service is involved: who is
 * refused (everyone but moderators, for every subcommand, button and autocomplete), what a
 * moderator is told about the options (both or neither of file and url, an attachment Discord did
 * not resolve), the note without a service, and how the routes speak to a service (what they pass
 * it, deferring before a fetch or a re-index, the outcome in place of the proposal). The service
 * here is a recorder: the real one is exercised in test/discord/corpus.test.ts.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DECISIONS, LOG_ID } from '../../src/discord/custom-id.js';
import { NO_ADMIN } from '../../src/interactions/routes/corpus-context.js';
import { ATTACHMENT_MISSING, ONE_OF_FILE_OR_URL } from '../../src/interactions/routes/corpus-input.js';
import type {
  Applied,
  ArticleInput,
  ArticleOrigin,
  AuditPage,
  CorpusAdminService,
  Decision,
  ManageRefusal,
  ModActor,
  Proposed,
} from '../../src/manage/types.js';
import { autocomplete, button, type Json, user } from '../harness/index.js';
import { MOD_ROLE } from '../discord/setup.js';
import { corpusCommand, type CorpusCommandOptions } from './corpus-setup.js';
import { described, type Handling, labels, makeHandler } from './setup.js';

/** A corpus service that records what the routes ask of it and answers as told. */
class RecordingAdmin implements CorpusAdminService {
  readonly calls: { method: string; args: unknown[] }[] = [];
  decision: Applied | ManageRefusal = { ok: true, decision: 'confirm', message: 'Added “Open”.' };
  origins_: ArticleOrigin[] = [
    { file: 'why-open.md', title: 'Why open', origin: 'folder' },
    { file: `discord/${'x'.repeat(120)}.md`, title: 'Too long to pick', origin: 'discord' },
  ];

  #record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  #proposed(kind: Proposed['kind']): Proposed {
    return {
      ok: true,
      proposalId: 'p1',
      kind,
      preview: {
        title: 'Open',
        sections: [],
        passages: 3,
        sample: 'Open text.',
        source: 'open.md',
        bytes: 10,
      },
      expiresAt: Date.now() + 60_000,
    };
  }

  async proposeAdd(actor: ModActor, input: ArticleInput) {
    this.#record('proposeAdd', actor, input);
    return this.#proposed('add');
  }
  async proposeUpdate(actor: ModActor, file: string, input?: ArticleInput) {
    this.#record('proposeUpdate', actor, file, input);
    return this.#proposed('update');
  }
  async proposeRemove(actor: ModActor, file: string) {
    this.#record('proposeRemove', actor, file);
    return this.#proposed('remove');
  }
  async proposeRestore(actor: ModActor, file: string) {
    this.#record('proposeRestore', actor, file);
    return this.#proposed('restore');
  }
  async decide(actor: ModActor, proposalId: string, decision: Decision) {
    this.#record('decide', actor, proposalId, decision);
    return this.decision;
  }
  async reindex(): Promise<never> {
    throw new Error('not used here');
  }
  async log(page: number): Promise<AuditPage> {
    this.#record('log', page);
    return { ok: true, entries: [], page, pages: 3, total: 25 };
  }
  async choices(typed: string, purpose: 'update' | 'remove' | 'restore') {
    this.#record('choices', typed, purpose);
    return this.origins_;
  }
  async origins() {
    return new Map(this.origins_.map((o) => [o.file, o]));
  }
}

let h: Handling;
let admin: RecordingAdmin;
beforeAll(async () => {
  h = await makeHandler({ MODERATOR_ROLE_IDS: MOD_ROLE });
});
const withAdmin = () => {
  admin = new RecordingAdmin();
  h.services.admin = admin;
  return admin;
};
afterEach(() => {
  delete h.services.admin;
});

const moderator = () => ({ user: user(), roles: [MOD_ROLE] });
const REFUSED =
  'Only moderators can change the articles: you need the Manage Server permission or a moderator role.';

const EVERY_SUBCOMMAND: Omit<CorpusCommandOptions, 'user'>[] = [
  { subcommand: 'add', options: { url: 'https://example.org/a' } },
  { subcommand: 'add', file: { url: 'https://cdn.example/a.md' } },
  { subcommand: 'update', options: { article: 'discord/open.md' } },
  { subcommand: 'remove', options: { article: 'why-open.md' } },
  { subcommand: 'restore', options: { article: 'why-open.md' } },
  { subcommand: 'log', options: { page: 2 } },
];

async function command(opts: CorpusCommandOptions) {
  return h.send(corpusCommand(opts));
}

describe('anyone but a moderator', () => {
  it('is refused every subcommand, in a server and in DMs, and the service is never asked', async () => {
    const a = withAdmin();
    for (const sub of EVERY_SUBCOMMAND) {
      const r = await command({ ...sub, user: user(), roles: [] });
      const body = r.only();
      expect(body.type).toBe(4);
      expect(body.data?.flags).toBe(64);
      expect(described(body)).toBe(REFUSED);
      const dm = (await command({ ...sub, user: user(), dm: true })).only();
      expect(described(dm)).toBe('In DMs only the bot owners can change the articles.');
    }
    expect(a.calls).toEqual([]);
    expect(h.logs.some((l) => l.includes('corpus change refused'))).toBe(true);
  });

  it('is refused every proposal button and the log’s ◀/▶, answered on the spot, the message left alone', async () => {
    const a = withAdmin();
    const ids = [
      ...CORPUS_DECISIONS.map((_, arg) => h.rt.signer.encode({ action: 'corpus', answerId: 'p1', arg })),
      h.rt.signer.encode({ action: 'log', answerId: LOG_ID, arg: 2 }),
    ];
    for (const customId of ids) {
      const r = await h.send(button({ customId, user: user() }));
      expect(r.calls.map((c) => c.kind)).toEqual(['respond']);
      expect(r.only().type).toBe(4);
      expect(described(r.only())).toBe(REFUSED);
    }
    expect(a.calls).toEqual([]);
  });

  it('gets no autocomplete choices, where a moderator typing the same gets them', async () => {
    const a = withAdmin();
    for (const subcommand of ['update', 'remove', 'restore']) {
      const payload = { name: 'corpus', subcommand, focused: 'article', value: 'open' };
      const stranger = (await h.send(autocomplete({ ...payload, user: user() }))).only();
      expect(stranger.type).toBe(8);
      expect((stranger.data as Json).choices).toEqual([]);
      const mod = (await h.send(autocomplete({ ...payload, ...moderator() }))).only();
      expect((mod.data as Json).choices.length).toBeGreaterThan(0);
    }
    // Only the moderators' three reached the service, each with its purpose.
    expect(a.calls.map((c) => c.args)).toEqual([
      ['open', 'update'],
      ['open', 'remove'],
      ['open', 'restore'],
    ]);
  });
});

describe('a moderator', () => {
  it('is told to give exactly one of file and url', async () => {
    const a = withAdmin();
    const both = { options: { url: 'https://example.org/a' }, file: { url: 'https://cdn.example/a.md' } };
    for (const given of [both, {}]) {
      const body = (await command({ subcommand: 'add', ...given, ...moderator() })).only();
      expect(body.type).toBe(4);
      expect(body.data?.flags).toBe(64);
      expect(described(body)).toBe(ONE_OF_FILE_OR_URL);
    }
    const lost = (await command({ subcommand: 'add', unresolvedFile: true, ...moderator() })).only();
    expect(described(lost)).toBe(ATTACHMENT_MISSING);
    expect(a.calls).toEqual([]);
  });

  it('without a corpus service is told so, for commands, buttons and autocomplete alike', async () => {
    for (const sub of EVERY_SUBCOMMAND) {
      expect(described((await command({ ...sub, ...moderator() })).only())).toBe(NO_ADMIN);
    }
    const ids = [
      h.rt.signer.encode({ action: 'corpus', answerId: 'p1', arg: 1 }),
      h.rt.signer.encode({ action: 'log', answerId: LOG_ID, arg: 2 }),
    ];
    for (const customId of ids) {
      expect(described((await h.send(button({ customId, ...moderator() }))).only())).toBe(NO_ADMIN);
    }
    const ac = autocomplete({ name: 'corpus', subcommand: 'remove', focused: 'article', ...moderator() });
    expect(((await h.send(ac)).only().data as Json).choices).toEqual([]);
  });

  it('adding acknowledges first (a fetch takes time), hands over the attachment, then shows the proposal', async () => {
    const a = withAdmin();
    const mod = moderator();
    const file = {
      filename: 'notes.md',
      url: 'https://cdn.example/n.md',
      size: 321,
      contentType: 'text/markdown',
    };
    const r = await command({ subcommand: 'add', file, ...mod });
    expect(r.calls.map((c) => c.kind)).toEqual(['respond', 'edit']);
    expect(r.only()).toEqual({ type: 5, data: { flags: 64 } });
    expect(labels(r.calls[1]?.kind === 'edit' ? r.calls[1].body : {})).toEqual(['Add', 'Cancel']);
    const name = mod.user.global_name ?? mod.user.username;
    expect(a.calls).toEqual([
      {
        method: 'proposeAdd',
        args: [
          { userId: mod.user.id, name },
          { kind: 'file', name: 'notes.md', url: file.url, size: 321, contentType: 'text/markdown' },
        ],
      },
    ]);
    await command({ subcommand: 'add', options: { url: ' https://example.org/a ' }, ...mod });
    expect(a.calls[1]?.args[1]).toEqual({ kind: 'url', url: 'https://example.org/a' });
    await command({ subcommand: 'update', options: { article: 'discord/n.md' }, file, ...mod });
    expect(a.calls[2]).toMatchObject({
      method: 'proposeUpdate',
      args: [{}, 'discord/n.md', { kind: 'file' }],
    });
  });

  it('confirming acknowledges the click, then puts the outcome in place of the proposal, with no buttons', async () => {
    const a = withAdmin();
    const customId = h.rt.signer.encode({ action: 'corpus', answerId: 'p1', arg: 1 });
    const r = await h.send(button({ customId, ...moderator() }));
    expect(r.calls.map((c) => c.kind)).toEqual(['respond', 'edit']);
    expect(r.only().type).toBe(6);
    const edit = r.calls[1]?.kind === 'edit' ? (r.calls[1].body as Json) : {};
    expect(edit.components).toEqual([]);
    expect(edit.embeds[0].description).toBe('Added “Open”.');
    expect(a.calls[0]?.args.slice(1)).toEqual(['p1', 'confirm']);
  });

  it('someone else’s proposal: a refusal for the clicker alone, the message left as it is', async () => {
    const a = withAdmin();
    a.decision = { ok: false, code: 'not_yours', message: 'Only the moderator who asked can decide.' };
    const customId = h.rt.signer.encode({ action: 'corpus', answerId: 'p1', arg: 2 });
    const r = await h.send(button({ customId, ...moderator() }));
    expect(r.calls.map((c) => c.kind)).toEqual(['respond', 'followUp']);
    const follow = r.calls[1]?.kind === 'followUp' ? (r.calls[1].body as Json) : {};
    expect(follow.flags).toBe(64);
    expect(follow.embeds[0].description).toBe('Only the moderator who asked can decide.');
    expect(a.calls[0]?.args.slice(1)).toEqual(['p1', 'replace']);
  });

  it('autocomplete names the origin and leaves out files too long to pick back', async () => {
    withAdmin();
    const ac = autocomplete({
      name: 'corpus',
      subcommand: 'remove',
      focused: 'article',
      value: '',
      ...moderator(),
    });
    const choices = ((await h.send(ac)).only().data as Json).choices as { name: string; value: string }[];
    expect(choices).toEqual([{ name: 'Why open (why-open.md) · folder', value: 'why-open.md' }]);
  });
});
