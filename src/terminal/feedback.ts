/**
 * The terminal's feedback: the operator rates the last answer (`/good`, `/bad`), picks the
 * passage that answers it (`/pick N`, `/pick none`) and reviews what was picked (`/review`,
 * `/undo`, `/confirm`). The operator is a moderator: their picks count at once.
 */
import type { AskResult, Services } from '../commands/commands.js';
import type { Actor, FeedbackRefusal } from '../learning/types.js';
import { terminalSafe, type Style } from '../render/terminal.js';

/** What the terminal remembers of the last answer, for its feedback commands. */
export interface FeedbackSession {
  /** The last answer's id in the store. */
  answerId?: string;
  /** After /bad: the menu's candidate positions, numbered from 1 as listed. */
  menu?: number[];
}

/** The terminal's operator, as the feedback service sees them. */
export const OPERATOR: Actor = { userId: 'terminal', moderator: true };

const NO_STORE = 'Feedback needs the store (DATA_DIR); it is not open in this session.';
const NOTHING_YET = 'Ask a question first: /good and /bad rate the last answer.';

function refusal(r: FeedbackRefusal, style: Style): string {
  return style.warn(r.message);
}

/** Remembers an answer for the feedback commands; returns the hint line to print under it. */
export async function rememberAnswer(
  services: Services,
  result: AskResult,
  session: FeedbackSession,
): Promise<string | undefined> {
  delete session.menu;
  const id = await services.feedback?.remember(result, {
    askerId: OPERATOR.userId,
    private: false,
    surface: 'terminal',
  });
  if (id === undefined) {
    delete session.answerId;
    return undefined;
  }
  session.answerId = id;
  return '👍/👎: /good or /bad (then /pick N for the passage that answers it)';
}

/** /good and /bad */
export async function voteCommand(
  services: Services,
  value: 1 | -1,
  session: FeedbackSession,
  style: Style,
): Promise<string> {
  const feedback = services.feedback;
  if (!feedback) return style.warn(NO_STORE);
  if (!session.answerId) return style.warn(NOTHING_YET);
  const done = await feedback.vote(session.answerId, OPERATOR, value);
  if (!done.ok) return refusal(done, style);
  const counted = `Counted your ${value === 1 ? '👍' : '👎'} (${done.tally.up} 👍, ${done.tally.down} 👎).`;
  if (value === 1) return counted;
  const menu = await feedback.pickMenu(session.answerId, OPERATOR);
  if (!menu.ok) return `${counted}\n${refusal(menu, style)}`;
  const offered = menu.options.filter((o) => o.available);
  session.menu = offered.map((o) => o.index);
  const lines = offered.map(
    (o, k) => `  ${k + 1}. ${terminalSafe(o.label)}: ${style.dim(terminalSafe(o.firstWords))}`,
  );
  return [
    counted,
    'Which passage answers it?',
    ...lines,
    `  none. None of these (the articles don't answer it)`,
    `Pick with /pick ${offered.length ? `1-${offered.length} or ` : ''}/pick none.`,
  ].join('\n');
}

/** /pick N | none */
export async function pickCommand(
  services: Services,
  argument: string,
  session: FeedbackSession,
  style: Style,
): Promise<string> {
  const feedback = services.feedback;
  if (!feedback) return style.warn(NO_STORE);
  if (!session.answerId || !session.menu)
    return style.warn('Use /bad first: it lists the passages to pick from.');
  const arg = argument.trim().toLowerCase();
  let choice: number | 'none';
  if (arg === 'none') choice = 'none';
  else {
    const n = Number(arg);
    const at = Number.isInteger(n) ? session.menu[n - 1] : undefined;
    if (at === undefined) {
      return style.warn(
        `/pick takes a number from the list (1-${session.menu.length}) or none; got "${terminalSafe(argument.slice(0, 40))}".`,
      );
    }
    choice = at;
  }
  const done = await feedback.pick(session.answerId, OPERATOR, choice);
  if (!done.ok) return refusal(done, style);
  delete session.menu;
  return `${done.message} (pick #${done.pick.id}; /undo ${done.pick.id} takes it back)`;
}

/** /review [page] */
export async function reviewCommand(services: Services, argument: string, style: Style): Promise<string> {
  const feedback = services.feedback;
  if (!feedback) return style.warn(NO_STORE);
  const page = argument.trim() ? Number(argument) : 1;
  if (!Number.isInteger(page) || page < 1)
    return style.warn(`/review takes a page number; got "${terminalSafe(argument.slice(0, 40))}".`);
  const r = await feedback.review(OPERATOR, page);
  if (!r.ok) return refusal(r, style);
  if (!r.picks.length && !r.votes.length) return 'Nothing picked or voted yet.';
  const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const picks = r.picks.map(
    ({ pick, status, label }) =>
      `  #${pick.id} [${status}] “${terminalSafe(pick.question)}” → ${terminalSafe(label)} ${style.dim(`(${pick.byRole}, ${when(pick.createdAt)})`)}`,
  );
  const votes = r.votes.map(
    (v) =>
      `  ${v.value === 1 ? '👍' : '👎'} “${terminalSafe(v.question ?? '?')}” ${style.dim(`(${when(v.createdAt)})`)}`,
  );
  return [
    `Picks, newest first (page ${r.page} of ${r.pages}):`,
    ...(picks.length ? picks : ['  none']),
    'Votes:',
    ...(votes.length ? votes : ['  none']),
    '/undo ID takes a pick back; /confirm ID makes a pending user pick count.',
  ].join('\n');
}

/** /undo ID and /confirm ID */
export async function moderateCommand(
  services: Services,
  action: 'undo' | 'confirm',
  argument: string,
  style: Style,
): Promise<string> {
  const feedback = services.feedback;
  if (!feedback) return style.warn(NO_STORE);
  const id = Number(argument.trim().replace(/^#/u, ''));
  if (!Number.isInteger(id) || id < 1)
    return style.warn(
      `/${action} takes a pick's number from /review; got "${terminalSafe(argument.slice(0, 40))}".`,
    );
  const done = action === 'undo' ? await feedback.undo(id, OPERATOR) : await feedback.confirm(id, OPERATOR);
  if (!done.ok) return refusal(done, style);
  return action === 'undo'
    ? `Pick #${id} undone: it no longer teaches.`
    : `Pick #${id} confirmed: it teaches now.`;
}
