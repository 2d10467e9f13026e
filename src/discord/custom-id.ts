/**
 * Signed component ids: `a1.<action>.<answer id>.<arg>.<signature>`, where the signature is an
 * HMAC-SHA256 of everything before it. A tampered, foreign or truncated id fails verification.
 * The key comes from config (BUTTON_SECRET, or derived from the bot token), so buttons keep working
 * after a restart and on every instance; BUTTON_SECRET_PREVIOUS is also accepted while rotating.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import { MAX_BUTTON_ARG } from '../app/bounds.js';
import { LIMITS } from './limits.js';

/**
 * more / full / post: an answer's buttons (the answer id is the store's key).
 * read: a page of /read (the id names the section, see read.ts). delete: 🗑 on a public
 * answer (the id is the asker's user id, so it works after the answer left the store).
 * up / down: 👍 and 👎 (the id is the feedback service's answer id, so they work after a restart);
 * pick: the "Which passage answers it?" menu a 👎 opens (same id). review: ◀/▶ of /feedback review
 * (arg: the page); moderate: its Undo/Confirm menu (arg: the page it is on). Their id is REVIEW_ID.
 * corpus: a corpus proposal's buttons (the id is the proposal's; arg: CORPUS_DECISIONS' index).
 * log: ◀/▶ of /corpus log (id LOG_ID; arg: the page). insights: ◀/▶ of /insights (id `d<days>`; arg: the page).
 */
export type ButtonAction =
  | 'more'
  | 'full'
  | 'post'
  | 'read'
  | 'delete'
  | 'up'
  | 'down'
  | 'pick'
  | 'review'
  | 'moderate'
  | 'corpus'
  | 'log'
  | 'insights';
const CODES: Record<ButtonAction, string> = {
  more: 'm',
  full: 'f',
  post: 'p',
  read: 'r',
  delete: 'd',
  up: 'fu',
  down: 'fd',
  pick: 'fp',
  review: 'fr',
  moderate: 'fm',
  corpus: 'cc',
  log: 'cl',
  insights: 'ci',
};
/** The id part of /feedback review's components (they name no answer). */
export const REVIEW_ID = 'review';
/** The id part of /corpus log's ◀/▶. */
export const LOG_ID = 'log';
/** A corpus proposal button's argument → the decision (the index is the argument). */
export const CORPUS_DECISIONS = ['cancel', 'confirm', 'replace'] as const;
/** What an id part may be: letters, digits, `-` and `_` (URL-safe), at most 40. */
const ID_PART = /^[A-Za-z0-9_-]{1,40}$/u;
const ACTIONS: ReadonlyMap<string, ButtonAction> = new Map(
  Object.entries(CODES).map(([action, code]) => [code, action as ButtonAction]),
);
export { MAX_BUTTON_ARG };
const PREFIX = 'a1';
const SIG_CHARS = 22;

export interface ButtonRef {
  action: ButtonAction;
  answerId: string;
  /** Page (more, post, read, review, moderate), passage number (full) or 0 (delete, up, down, pick). */
  arg: number;
}

/** The signing keys: ids are signed with `current`; `previous` (during a rotation) also verifies. */
export interface SignerKeys {
  current: Buffer;
  previous?: Buffer;
}

/** HKDF's fixed inputs for the key derived from the bot token: change `info` to retire every button. */
const DERIVED_KEY = { salt: 'citebot', info: 'citebot button ids v1', bytes: 32 } as const;

/** The button key derived from the bot token (HKDF-SHA256): the same in every process that has the token. */
export function deriveButtonKey(token: string): Buffer {
  const { salt, info, bytes } = DERIVED_KEY;
  return Buffer.from(hkdfSync('sha256', token, salt, info, bytes));
}

export class CustomIdSigner {
  readonly #current: Buffer;
  readonly #verifying: readonly Buffer[];

  /** `keys` or a bare current key; none = a random key of this process only (tests, terminal). */
  constructor(keys: SignerKeys | Buffer = { current: randomBytes(32) }) {
    const k = Buffer.isBuffer(keys) ? { current: keys } : keys;
    this.#current = k.current;
    this.#verifying = k.previous ? [k.current, k.previous] : [k.current];
  }

  #sign(body: string, key = this.#current): string {
    return createHmac('sha256', key).update(body).digest('base64url').slice(0, SIG_CHARS);
  }

  #verified(body: string, sig: string): boolean {
    const given = Buffer.from(sig);
    let ok = false;
    // Every key is tried, so the time taken does not say which one matched.
    for (const key of this.#verifying) {
      const expected = Buffer.from(this.#sign(body, key));
      if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
    }
    return ok;
  }

  encode(ref: ButtonRef): string {
    if (!ID_PART.test(ref.answerId)) throw new Error(`invalid answer id ${JSON.stringify(ref.answerId)}`);
    if (!Number.isInteger(ref.arg) || ref.arg < 0 || ref.arg > MAX_BUTTON_ARG)
      throw new Error(`invalid button argument ${ref.arg}`);
    const body = `${PREFIX}.${CODES[ref.action]}.${ref.answerId}.${ref.arg}`;
    const id = `${body}.${this.#sign(body)}`;
    if (id.length > LIMITS.customId) throw new Error('custom_id too long');
    return id;
  }

  /** The button's reference, or undefined when the id is malformed, foreign or tampered with. */
  decode(customId: string): ButtonRef | undefined {
    if (typeof customId !== 'string' || customId.length > LIMITS.customId) return undefined;
    const parts = customId.split('.');
    if (parts.length !== 5 || parts[0] !== PREFIX) return undefined;
    const [, code = '', answerId = '', argText = '', sig = ''] = parts;
    if (!this.#verified(parts.slice(0, 4).join('.'), sig)) return undefined;
    const action = ACTIONS.get(code);
    const arg = Number(argText);
    if (!action || !/^\d{1,4}$/u.test(argText) || !ID_PART.test(answerId)) return undefined;
    return { action, answerId, arg };
  }
}

/**
 * The signer for a configuration: BUTTON_SECRET when set, else a key derived from the bot token,
 * else (no token: terminal mode, tests) a random key of this process. BUTTON_SECRET_PREVIOUS, when
 * set, is accepted too; when it is not, a BUTTON_SECRET beside a token also accepts the token's
 * derived key, so setting BUTTON_SECRET for the first time keeps the buttons already posted.
 */
export function signerFromConfig(
  config: Pick<Config, 'token' | 'buttonSecret' | 'buttonSecretPrevious'>,
): CustomIdSigner {
  const current =
    config.buttonSecret !== undefined
      ? Buffer.from(config.buttonSecret, 'utf8')
      : config.token !== undefined
        ? deriveButtonKey(config.token)
        : randomBytes(32);
  const previous =
    config.buttonSecretPrevious !== undefined
      ? Buffer.from(config.buttonSecretPrevious, 'utf8')
      : config.buttonSecret !== undefined && config.token !== undefined
        ? deriveButtonKey(config.token)
        : undefined;
  return new CustomIdSigner(previous ? { current, previous } : { current });
}
