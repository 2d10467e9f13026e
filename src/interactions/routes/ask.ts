/**
 * /ask, the "Ask citebot" message command, and the one answer path they share with the gateway's plain
 * DMs and mentions: cooldown, the work queue with its deadline, the store for the buttons, the reply.
 */
import type {
  APIChatInputApplicationCommandInteraction,
  APIMessageApplicationCommandInteraction,
  APIUser,
} from 'discord-api-types/v10';
import { type AskResult, ask } from '../../commands/commands.js';
import { MAX_QUESTION_CHARS } from '../../core/answer.js';
import { CONTEXT_MENU_NAME, FOR_OPTION } from '../../discord/commands.js';
import { truncate } from '../../discord/escape.js';
import { renderAnswerPage, renderNote } from '../../discord/render.js';
import { BUSY, BUSY_MESSAGE, queued } from '../deadline.js';
import { errorText } from '../guard.js';
import { maySendHere } from '../permissions.js';
import { booleanOption, inGuild, integerOption, optionsOf, stringOption } from '../raw.js';
import type { InteractionReply, ReplyTarget } from '../reply.js';
import { type Cooldown, cooldownAhead, refundQuestion, type Runtime, withinBudget } from '../runtime.js';

/** Passages per page when the asker did not choose (`/ask results:`, DMs, mentions, the message command). */
export const DEFAULT_RESULTS = 3;

/** What the answer path needs besides where the reply goes. */
export interface AnswerRequest {
  question: string;
  results?: number;
  article?: string;
  /** Only the asker sees it (ephemeral). */
  isPrivate: boolean;
  /** Offer "Post to channel". */
  canPost: boolean;
  /** Offer 🗑 Delete (default: when public). */
  deletable?: boolean;
  /** `/ask for:`: posted publicly, mentioning this user, with 🗑 Delete. */
  forUserId?: string;
}

/** A question taken from a message is cut to the question limit at a word boundary. */
export function cutQuestion(text: string): string {
  if (text.length <= MAX_QUESTION_CHARS) return text;
  const cut = text.lastIndexOf(' ', MAX_QUESTION_CHARS);
  return text.slice(0, cut > MAX_QUESTION_CHARS / 2 ? cut : MAX_QUESTION_CHARS);
}

/** Cooldown, answer (through the queue and its deadline), store for the buttons, reply. */
export async function answer(rt: Runtime, to: ReplyTarget, req: AnswerRequest): Promise<void> {
  const cd = cooldownAhead(rt, to.userId);
  if (!cd.local.ok) return refused(to, cd.local);
  const verdict = () => (cd.shared ? withinBudget(rt, cd.shared, cd.exact) : Promise.resolve(cd.local));
  const { isPrivate, canPost, forUserId, deletable, ...askReq } = req;
  // Remembering the answer (for 👍/👎) is part of the job, so a slow store is deferred like a slow answer.
  // With a shared store, its count across instances arrives while the answer is computed.
  const done = await queued(rt, to, isPrivate, async (late) => {
    const r = await ask(rt.services, late ? { ...askReq, lexicalOnly: true } : askReq);
    const v = await verdict();
    if (!v.ok) return { r, v, feedbackId: undefined };
    return {
      r,
      v,
      feedbackId: r.kind === 'answer' ? await remember(rt, r, to.userId, isPrivate) : undefined,
    };
  });
  if (done === BUSY) {
    // Overload is not the user's doing: the refused question does not count against their allowance.
    if ((await (cd.shared ?? cd.local)).ok) refundQuestion(rt, to.userId);
    to.outcome = 'busy';
    return to.send(renderNote(BUSY_MESSAGE));
  }
  const { r, v, feedbackId } = done;
  if (!v.ok) return refused(to, v);
  if (r.kind === 'error') {
    to.outcome = r.code === 'internal' ? 'error' : r.code === 'busy' ? 'busy' : 'refused';
    return to.send(renderNote(r.message, 'error'));
  }
  to.outcome = r.answer.answered ? 'answered' : 'declined';
  const stored = rt.store.add({
    userId: to.userId,
    answer: r.answer,
    articles: r.articles,
    perPage: req.results ?? DEFAULT_RESULTS,
    private: isPrivate,
    // Everyone in the channel sees a public answer, so the asker (or a moderator) can take it down.
    deletable: deletable ?? !isPrivate,
    ...(forUserId ? { forUserId } : {}),
    ...(r.elsewhere?.length ? { elsewhere: r.elsewhere } : {}),
    ...(r.elsewhere?.length && r.answer.article
      ? { scopedTo: r.articles.find((a) => a.file === r.answer.article) }
      : {}),
    ...(feedbackId ? { feedbackId } : {}),
  });
  await to.send(renderAnswerPage(stored, 0, { signer: rt.signer, canPost }));
}

/** The cooldown's refusal (a quiet surface is told once per window). */
async function refused(to: ReplyTarget, cd: Cooldown & { ok: false }): Promise<void> {
  to.outcome = 'refused';
  if (!to.quietCooldown || cd.notify) await to.send(renderNote(cd.message));
}

/**
 * Keeps the answer with the feedback service, for its 👍/👎; undefined (no buttons, the answer is shown
 * anyway) without a service, when its store failed, or when the id it gave would not fit a button id.
 */
async function remember(
  rt: Runtime,
  r: AskResult,
  askerId: string,
  isPrivate: boolean,
): Promise<string | undefined> {
  const feedback = rt.services.feedback;
  if (!feedback) return undefined;
  try {
    const id = await feedback.remember(r, { askerId, private: isPrivate, surface: 'discord' });
    if (id !== undefined && !FEEDBACK_ID.test(id)) {
      rt.services.log.warn('feedback answer id does not fit a button id; no votes on it', {
        length: id.length,
      });
      return undefined;
    }
    return id;
  } catch (err) {
    rt.services.log.warn('could not remember an answer for feedback', { error: errorText(err) });
    return undefined;
  }
}

/** A feedback answer id as button ids carry it (the store promises URL-safe, at most 20 characters). */
const FEEDBACK_ID = /^[A-Za-z0-9_-]{1,20}$/u;

/** /ask question [results] [article] [private] [for] */
export async function onAsk(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  const options = optionsOf(raw);
  // User text loses any secret on the way in, before it is cut or quoted back.
  const question = rt.redactor.text(stringOption(options, 'question') ?? '');
  const article = stringOption(options, 'article');
  const results = integerOption(options, 'results') ?? undefined;
  // Its bounds were checked with every option (app/check.ts, from the command table).
  const isPrivate = inGuild(raw) ? (booleanOption(options, 'private') ?? false) : false;
  const forOption = options.find((o) => o.name === FOR_OPTION);
  let forUserId: string | undefined;
  if (forOption) {
    const target =
      typeof forOption.value === 'string' ? raw.data.resolved?.users?.[forOption.value] : undefined;
    const refusal = forRefusal(raw, target);
    if (refusal) {
      reply.outcome = 'refused';
      return reply.send(renderNote(refusal, 'error'));
    }
    forUserId = target?.id;
  }
  await answer(rt, reply, {
    question,
    ...(results !== undefined ? { results } : {}),
    ...(article ? { article: rt.redactor.text(article) } : {}),
    isPrivate,
    canPost: isPrivate && inGuild(raw),
    ...(forUserId ? { forUserId } : {}),
  });
}

/**
 * Why `/ask for:` cannot post here, or undefined: only in a server, only by someone who may see
 * the channel and send messages in it, only for a person (not a bot), not with private:true.
 */
function forRefusal(
  raw: APIChatInputApplicationCommandInteraction,
  target: APIUser | undefined,
): string | undefined {
  if (!inGuild(raw)) {
    return 'The for option works only in a server channel. In a DM, ask without it.';
  }
  if (!target) return 'citebot could not find the user in the for option. Pick them from the list.';
  if (target.bot) return 'Answers can be addressed to people only, not to bots.';
  if (booleanOption(optionsOf(raw), 'private')) {
    return 'An answer for someone is posted in the channel, so it cannot also be private. Use one of the two options.';
  }
  if (!maySendHere(raw)) {
    return 'You cannot send messages in this channel, so citebot will not post an answer for someone here.';
  }
  return undefined;
}

/** "Ask citebot" on a message: its text is the question. */
export async function onContextMenu(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageApplicationCommandInteraction,
): Promise<void> {
  if (raw.data.name !== CONTEXT_MENU_NAME) {
    return reply.send(renderNote(`Unknown command ${truncate(raw.data.name, 32)}. Try /help.`, 'error'));
  }
  const target = raw.data.resolved.messages[raw.data.target_id];
  const text = rt.redactor.text(target?.content ?? '').trim();
  if (!text) return reply.send(renderNote('That message has no text to ask about.', 'error'));
  await answer(rt, reply, { question: cutQuestion(text), isPrivate: false, canPost: false });
}
