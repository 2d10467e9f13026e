/**
 * Signed button ids: `a1.<action>.<answer id>.<arg>.<signature>`, where the
 * signature is an HMAC-SHA256 (per-process secret) of everything before it. A
 * tampered, foreign or truncated id fails verification.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LIMITS } from './limits.js';

/**
 * more / full / post: an answer's buttons (the answer id is the store's key).
 * read: a page of /read (the id names the section, see read.ts). delete: 🗑 on a public
 * answer (the id is the asker's user id, so it works after the answer left the store).
 */
export type ButtonAction = 'more' | 'full' | 'post' | 'read' | 'delete';
const CODES: Record<ButtonAction, string> = { more: 'm', full: 'f', post: 'p', read: 'r', delete: 'd' };
const ACTIONS: ReadonlyMap<string, ButtonAction> = new Map(
  Object.entries(CODES).map(([action, code]) => [code, action as ButtonAction]),
);
/** Largest button argument (page or passage number). */
export const MAX_BUTTON_ARG = 9999;
const PREFIX = 'a1';
const SIG_CHARS = 22;

export interface ButtonRef {
  action: ButtonAction;
  answerId: string;
  /** Page (more, post, read), passage number (full) or 0 (delete). */
  arg: number;
}

export class CustomIdSigner {
  readonly #secret: Buffer;

  constructor(secret: Buffer = randomBytes(32)) {
    this.#secret = secret;
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('base64url').slice(0, SIG_CHARS);
  }

  encode(ref: ButtonRef): string {
    if (!/^[A-Za-z0-9]{1,40}$/u.test(ref.answerId))
      throw new Error(`invalid answer id ${JSON.stringify(ref.answerId)}`);
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
    const expected = Buffer.from(this.#sign(parts.slice(0, 4).join('.')));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const action = ACTIONS.get(code);
    const arg = Number(argText);
    if (!action || !/^\d{1,4}$/u.test(argText) || !/^[A-Za-z0-9]{1,40}$/u.test(answerId)) return undefined;
    return { action, answerId, arg };
  }
}
