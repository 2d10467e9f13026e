/**
 * The Discord surface: a thin adapter from discord.js events to the command layer.
 * Every reply goes through `send`, which disables mentions; every handler runs
 * under `guard`, which turns an exception into an ephemeral "something went wrong"
 * with an error id that is also logged.
 */
import { randomBytes } from 'node:crypto';
import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  type ClientOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  type MessageContextMenuCommandInteraction,
  Partials,
  PermissionFlagsBits,
  type RepliableInteraction,
} from 'discord.js';
import { ask, help, reindex, type Services, sources } from '../commands/commands.js';
import { MAX_QUESTION_CHARS } from '../core/answer.js';
import type { Config } from '../config.js';
import { COMMAND_NAMES, CONTEXT_MENU_NAME } from './commands.js';
import { CustomIdSigner } from './custom-id.js';
import { truncate } from './escape.js';
import { LIMITS } from './limits.js';
import { RateLimiter } from './rate-limit.js';
import {
  type ReplyPayload,
  renderAnswerPage,
  renderFullPassage,
  renderHelp,
  renderNote,
  renderReindex,
  renderSources,
} from './render.js';
import { AnswerStore, type StoredAnswer } from './store.js';

/** Gateway intents: no privileged intent. Guilds 1 + GuildMessages 512 + DirectMessages 4096. */
export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
];

/** Discord's "Unknown interaction": the 3 s window or the 15 min token lifetime passed. */
const UNKNOWN_INTERACTION = 10062;

export interface BotOptions {
  config: Config;
  services: Services;
  signer?: CustomIdSigner;
  store?: AnswerStore;
  /** Extra discord.js client options (tests). */
  clientOptions?: Partial<ClientOptions>;
  /** How long start() waits for Discord (ms). */
  startTimeoutMs?: number;
}

/** citebot on Discord. */
export class CitebotDiscord {
  readonly client: Client;
  readonly store: AnswerStore;
  readonly signer: CustomIdSigner;
  readonly #config: Config;
  readonly #services: Services;
  readonly #questions: RateLimiter;
  readonly #autocomplete: RateLimiter;
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #cooldownNoticeAt = new Map<string, number>();
  readonly #startTimeoutMs: number;
  #stopping = false;

  constructor(options: BotOptions) {
    this.#config = options.config;
    this.#services = options.services;
    this.signer = options.signer ?? new CustomIdSigner();
    this.store = options.store ?? new AnswerStore({ ttlMs: LIMITS.interactionTokenMs });
    this.#questions = new RateLimiter({
      limit: options.config.cooldownQuestions,
      windowMs: options.config.cooldownSeconds * 1000,
    });
    this.#autocomplete = new RateLimiter({ limit: options.config.autocompletePer10s, windowMs: 10_000 });
    this.#startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.client = new Client({
      intents: INTENTS,
      partials: [Partials.Channel],
      allowedMentions: { parse: [], repliedUser: false },
      ...(options.config.apiBase ? { rest: { api: options.config.apiBase } } : {}),
      ...options.clientOptions,
    });
    this.client.on(Events.InteractionCreate, (i) => this.#track(this.#onInteraction(i)));
    this.client.on(Events.MessageCreate, (m) => this.#track(this.#onMessage(m)));
    this.client.on(Events.Error, (err) =>
      this.#services.log.error('discord client error', { error: err.message }),
    );
    this.client.on(Events.ShardDisconnect, (_e, id) =>
      this.#services.log.warn('gateway disconnected', { shard: id }),
    );
    this.client.on(Events.ShardResume, (id) => this.#services.log.info('gateway resumed', { shard: id }));
  }

  /** Work in flight (tests and shutdown wait on it). */
  get inflight(): number {
    return this.#inflight.size;
  }

  /** Logs in and waits for READY. Rejects with a one-line reason when Discord can't be reached. */
  async start(): Promise<void> {
    const token = this.#config.token;
    if (!token) throw new Error('DISCORD_TOKEN is not set');
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Discord did not answer within ${Math.round(this.#startTimeoutMs / 1000)} s`)),
        this.#startTimeoutMs,
      );
    });
    try {
      await Promise.race([this.client.login(token).then(() => ready), timeout]);
    } catch (err) {
      await this.client.destroy();
      throw new Error(describeLoginError(err, this.#config.apiBase));
    } finally {
      clearTimeout(timer);
    }
    this.#services.log.info('connected to Discord', {
      user: this.client.user?.tag,
      application: this.client.application?.id,
      guilds: this.client.guilds.cache.size,
    });
  }

  /** Finishes the replies in flight (up to `graceMs`), then closes the gateway. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    const deadline = Date.now() + graceMs;
    while (this.#inflight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.#inflight]), new Promise((r) => setTimeout(r, 100))]);
    }
    await this.client.destroy();
  }

  #track(p: Promise<unknown>): void {
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  // ---- replies -------------------------------------------------------------

  /** Answers an interaction: first response, or a follow-up when it was already answered or deferred. */
  async #send(i: RepliableInteraction, p: ReplyPayload): Promise<void> {
    if (i.deferred && !i.replied) {
      const { flags: _flags, ...rest } = p;
      await i.editReply(rest);
    } else if (i.replied) {
      await i.followUp(p);
    } else {
      await i.reply(p);
    }
  }

  async #guard(i: Interaction | Message, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (err instanceof DiscordAPIError && err.code === UNKNOWN_INTERACTION) {
        this.#services.log.warn('interaction expired before it was answered', { interaction: i.id });
        return;
      }
      const errorId = randomBytes(4).toString('hex');
      this.#services.log.error('handler failed', {
        errorId,
        id: i.id,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
      const note = renderNote(
        `Something went wrong while answering. Error id: ${errorId} — please try again; if it keeps happening, tell a moderator this id.`,
        'error',
      );
      try {
        if ('isRepliable' in i && i.isRepliable()) await this.#send(i, note);
        else if (!('isRepliable' in i))
          await (i as Message).reply({ ...note, flags: undefined, failIfNotExists: false });
      } catch (replyErr) {
        this.#services.log.error('could not report the error to the user', {
          errorId,
          error: replyErr instanceof Error ? replyErr.message : String(replyErr),
        });
      }
    }
  }

  /** Applies the per-user question limit; on refusal tells the user once per window. */
  #cooldown(userId: string): { ok: true } | { ok: false; message: string; notify: boolean } {
    const wait = this.#questions.take(userId);
    if (wait === 0) return { ok: true };
    const seconds = Math.ceil(wait / 1000);
    const now = Date.now();
    const last = this.#cooldownNoticeAt.get(userId) ?? 0;
    const notify = now - last > wait;
    if (notify) this.#cooldownNoticeAt.set(userId, now);
    if (this.#cooldownNoticeAt.size > 10_000) this.#cooldownNoticeAt.clear();
    return {
      ok: false,
      notify,
      message: `You're asking quickly: the limit is ${this.#config.cooldownQuestions} per ${this.#config.cooldownSeconds} s. Try again in ${seconds} s.`,
    };
  }

  // ---- routing ---------------------------------------------------------------

  async #onInteraction(i: Interaction): Promise<void> {
    if (i.isAutocomplete()) {
      await this.#guardAutocomplete(i);
      return;
    }
    await this.#guard(i, async () => {
      if (this.#stopping && i.isRepliable()) {
        await this.#send(i, renderNote('citebot is restarting. Try again in a moment.'));
        return;
      }
      if (i.isChatInputCommand()) await this.#onCommand(i);
      else if (i.isMessageContextMenuCommand()) await this.#onContextMenu(i);
      else if (i.isButton()) await this.#onButton(i);
      else if (i.isRepliable())
        await this.#send(i, renderNote('citebot does not know that kind of interaction.'));
    });
  }

  async #onCommand(i: ChatInputCommandInteraction): Promise<void> {
    switch (i.commandName) {
      case COMMAND_NAMES.ask:
        return this.#onAsk(i);
      case COMMAND_NAMES.sources: {
        const r = sources(this.#services, i.options.getString('article') ?? undefined);
        return this.#send(
          i,
          r.kind === 'error' ? renderNote(r.message, 'error') : renderSources(r.articles, r.article),
        );
      }
      case COMMAND_NAMES.help: {
        const h = help(this.#services);
        return this.#send(i, renderHelp(h.articles, h.passages));
      }
      case COMMAND_NAMES.reindex:
        return this.#onReindex(i);
      default:
        return this.#send(
          i,
          renderNote(`Unknown command /${truncate(i.commandName, 32)}. Try /help.`, 'error'),
        );
    }
  }

  async #onAsk(i: ChatInputCommandInteraction): Promise<void> {
    const question = i.options.getString('question') ?? '';
    const results = i.options.getInteger('results') ?? undefined;
    if (results !== undefined && (results < 1 || results > 5)) {
      return this.#send(i, renderNote(`results must be from 1 to 5; got ${results}.`, 'error'));
    }
    const isPrivate = i.inGuild() ? (i.options.getBoolean('private') ?? false) : false;
    await this.#answer(i, {
      question,
      ...(results !== undefined ? { results } : {}),
      ...(i.options.getString('article') ? { article: i.options.getString('article') as string } : {}),
      isPrivate,
      canPost: isPrivate && i.inGuild(),
    });
  }

  async #onContextMenu(i: MessageContextMenuCommandInteraction): Promise<void> {
    if (i.commandName !== CONTEXT_MENU_NAME) {
      return this.#send(i, renderNote(`Unknown command ${truncate(i.commandName, 32)}. Try /help.`, 'error'));
    }
    const text = i.targetMessage.content.trim();
    if (!text) return this.#send(i, renderNote('That message has no text to ask about.', 'error'));
    await this.#answer(i, { question: cutQuestion(text), isPrivate: false, canPost: false });
  }

  /** /ask and the context menu: cooldown, answer, store for the buttons, reply. */
  async #answer(
    i: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
    req: { question: string; results?: number; article?: string; isPrivate: boolean; canPost: boolean },
  ): Promise<void> {
    const cd = this.#cooldown(i.user.id);
    if (!cd.ok) return this.#send(i, renderNote(cd.message));
    const { isPrivate, canPost, ...askReq } = req;
    const r = await ask(this.#services, askReq);
    if (r.kind === 'error') return this.#send(i, renderNote(r.message, 'error'));
    const stored = this.store.add({
      userId: i.user.id,
      answer: r.answer,
      articles: r.articles,
      perPage: req.results ?? 3,
      private: isPrivate,
    });
    await this.#send(i, renderAnswerPage(stored, 0, { signer: this.signer, canPost }));
  }

  async #onReindex(i: ChatInputCommandInteraction): Promise<void> {
    if (!this.#canReindex(i)) {
      this.#services.log.warn('re-index refused', { user: i.user.id, guild: i.guildId ?? 'dm' });
      return this.#send(
        i,
        renderNote(
          i.inGuild()
            ? 'Only moderators can re-index: you need the Manage Server permission or a moderator role.'
            : 'In DMs only the bot owners can re-index.',
          'error',
        ),
      );
    }
    await i.deferReply({ flags: 64 });
    const r = await reindex(this.#services);
    await this.#send(i, renderReindex(r.report));
  }

  #canReindex(i: ChatInputCommandInteraction): boolean {
    if (this.#config.ownerIds.includes(i.user.id)) return true;
    if (!i.inGuild()) return false;
    if (i.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
    const roles = i.member.roles;
    const roleIds: string[] = Array.isArray(roles) ? roles : [...roles.cache.keys()];
    return roleIds.some((r) => this.#config.moderatorRoleIds.includes(r));
  }

  async #onButton(i: ButtonInteraction): Promise<void> {
    const ref = this.signer.decode(i.customId);
    if (!ref) {
      return this.#send(i, renderNote('This button is not valid any more. Ask again with /ask.', 'error'));
    }
    const stored = this.store.get(ref.answerId);
    if (!stored) {
      return this.#send(
        i,
        renderNote('This answer has expired: answers are kept for 15 minutes. Ask again with /ask.'),
      );
    }
    if (stored.userId !== i.user.id) {
      return this.#send(
        i,
        renderNote('These buttons belong to the person who asked. Ask your own with /ask.'),
      );
    }
    const cd = this.#cooldown(i.user.id);
    if (!cd.ok) return this.#send(i, renderNote(cd.message));
    switch (ref.action) {
      case 'more': {
        const { flags: _f, ...p } = renderAnswerPage(stored, ref.arg, {
          signer: this.signer,
          canPost: stored.private && i.inGuild(),
        });
        await i.update(p);
        return;
      }
      case 'full': {
        const passages = [...stored.answer.passages, ...stored.answer.more];
        const passage = passages[ref.arg]?.passage;
        if (!passage) return this.#send(i, renderNote('That passage is not part of this answer.', 'error'));
        return this.#send(i, renderFullPassage(passage, ref.arg + 1));
      }
      case 'post':
        return this.#post(i, stored, ref.arg);
    }
  }

  async #post(i: ButtonInteraction, stored: StoredAnswer, page: number): Promise<void> {
    if (!stored.private) return this.#send(i, renderNote('This answer is already public.'));
    await i.deferUpdate();
    const { flags: _f, ...p } = renderAnswerPage(stored, page, {
      signer: this.signer,
      canPost: false,
      posted: true,
    });
    await i.followUp({ ...p, content: `${p.content ?? ''}\n-# Shared by <@${i.user.id}>` });
  }

  async #guardAutocomplete(i: AutocompleteInteraction): Promise<void> {
    try {
      if (this.#autocomplete.take(i.user.id) > 0) {
        await i.respond([]);
        return;
      }
      await i.respond(this.#choices(i));
    } catch (err) {
      if (err instanceof DiscordAPIError && err.code === UNKNOWN_INTERACTION) return;
      this.#services.log.warn('autocomplete failed', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  #choices(i: AutocompleteInteraction): { name: string; value: string }[] {
    if (!this.#services.library.ready) return [];
    const index = this.#services.library.index;
    const focused = i.options.getFocused(true);
    const typed = String(focused.value ?? '').slice(0, 200);
    const choice = (name: string, value: string) => ({
      name: truncate(name.replace(/\s+/gu, ' ').trim(), LIMITS.choiceName),
      value: value.slice(0, LIMITS.choiceValue),
    });
    if (focused.name === 'article') {
      const q = typed.toLowerCase().trim();
      return index.articles
        .filter((a) => !q || a.title.toLowerCase().includes(q) || a.file.toLowerCase().includes(q))
        .slice(0, LIMITS.choices)
        .map((a) => choice(a.title, a.file.length <= LIMITS.choiceValue ? a.file : a.title));
    }
    if (focused.name === 'question') {
      const out = new Map<string, { name: string; value: string }>();
      if (typed.trim()) out.set(typed.trim().toLowerCase(), choice(typed.trim(), typed.trim()));
      const suggestions = typed.trim()
        ? index.suggest(typed, LIMITS.choices - 1)
        : [...new Set(index.articles.flatMap((a) => a.sections.map((s) => s.name.split(' › ').pop() ?? '')))]
            .filter(Boolean)
            .slice(0, LIMITS.choices);
      for (const s of suggestions) {
        if (!out.has(s.toLowerCase())) out.set(s.toLowerCase(), choice(s, s));
      }
      return [...out.values()]
        .filter((c) => c.name.length > 0 && c.value.length > 0)
        .slice(0, LIMITS.choices);
    }
    return [];
  }

  // ---- messages ----------------------------------------------------------------

  async #onMessage(m: Message): Promise<void> {
    if (m.author.bot || m.system || !this.client.user || this.#stopping) return;
    let question: string;
    if (!m.inGuild()) {
      question = m.content;
    } else if (m.mentions.users.has(this.client.user.id) && !m.mentions.everyone) {
      question = m.content.replace(new RegExp(`<@!?${this.client.user.id}>`, 'gu'), ' ');
    } else {
      return;
    }
    question = question.trim();
    await this.#guard(m, async () => {
      const reply = (p: ReplyPayload) => {
        const { flags: _flags, ...rest } = p;
        return m.reply({
          ...rest,
          allowedMentions: { parse: [], repliedUser: false },
          failIfNotExists: false,
        });
      };
      if (!question) {
        await reply(
          renderNote('Ask me a question about the articles, for example "What is nanoGPT?".', 'info', false),
        );
        return;
      }
      const cd = this.#cooldown(m.author.id);
      if (!cd.ok) {
        if (cd.notify) await reply(renderNote(cd.message, 'info', false));
        return;
      }
      const r = await ask(this.#services, { question: cutQuestion(question) });
      if (r.kind === 'error') {
        await reply(renderNote(r.message, 'error', false));
        return;
      }
      const stored = this.store.add({
        userId: m.author.id,
        answer: r.answer,
        articles: r.articles,
        perPage: 3,
        private: false,
      });
      await reply(renderAnswerPage(stored, 0, { signer: this.signer, canPost: false }));
    });
  }
}

/** A question taken from a message is cut to the question limit at a word boundary. */
function cutQuestion(text: string): string {
  if (text.length <= MAX_QUESTION_CHARS) return text;
  const cut = text.lastIndexOf(' ', MAX_QUESTION_CHARS);
  return text.slice(0, cut > MAX_QUESTION_CHARS / 2 ? cut : MAX_QUESTION_CHARS);
}

/** One line saying why login failed, without the token or a stack trace. */
export function describeLoginError(err: unknown, apiBase: string | undefined): string {
  const where = apiBase ?? 'https://discord.com/api';
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.code === 'TokenInvalid') return `Discord rejected the token (check DISCORD_TOKEN).`;
  if (e?.code === 'DisallowedIntents') return 'Discord refused the requested intents.';
  const cause = e?.cause?.code ?? e?.code ?? '';
  const msg = (e?.message ?? String(err)).split('\n')[0];
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|UND_ERR/u.test(`${cause} ${msg}`) ||
    /fetch failed/u.test(msg ?? '')
  ) {
    return `cannot reach Discord at ${where} (${cause || msg}).`;
  }
  return `could not connect to Discord at ${where}: ${msg}`;
}
