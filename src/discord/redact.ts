/**
 * Keeps secrets (the bot token) out of everything the bot sends to Discord. A user can paste the
 * token into a question, and the answer quotes the question back; so every request body the REST
 * client sends passes through `redactRequests`, which replaces each secret in every string of the
 * payload (content, embeds, components, autocomplete choices, ...) with a marker. User text is
 * also redacted as it comes in (`Redactor.text`), before it is cut or rendered, so not even part
 * of a secret reaches a reply.
 *
 * Rendered text is escaped Markdown (escape.ts): a secret's `_` shows as `\_`, and zero-width
 * spaces can sit in between, so the match allows those between characters. The marker never
 * makes a text longer (Discord's limits stay met) and cannot start a masked link: in Markdown
 * fields its brackets are escaped as escape.ts would have.
 */

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';
/** The marker as escaped Markdown (message content, embed descriptions, field values). */
const REDACTED_MARKDOWN = '\\[redacted\\]';
/** Secrets shorter than this are not redacted (they would match ordinary text); the logger agrees. */
export const MIN_SECRET_LENGTH = 8;
/**
 * What rendering may put between a secret's characters: backslash escapes, zero-width characters, and
 * the bold markers of highlighted words (a quote's matched words are bold, escape.ts / render.ts).
 */
const GAP = '(?:\\\\|\\*\\*|~~|\\|\\||[\\u200b-\\u200d\\u2060\\ufeff\\u00ad])*';
/** Markdown's paired markers: removing an odd number of one would change the formatting after it. */
const PAIRED = ['**', '~~', '||'] as const;

/**
 * The paired markers a matched piece of Markdown holds an odd number of (escaped characters skipped):
 * appended to the marker they keep the formatting around the match as it was.
 */
function unpaired(piece: string): string {
  const counts = new Map<string, number>();
  for (let i = 0; i < piece.length; i++) {
    if (piece[i] === '\\') {
      i++;
      continue;
    }
    const pair = PAIRED.find((p) => piece.startsWith(p, i));
    if (pair) {
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
      i++;
    }
  }
  return PAIRED.filter((p) => (counts.get(p) ?? 0) % 2 === 1).join('');
}
const ALNUM = /^[\p{L}\p{N}]$/u;

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');
}

/** A secret as a pattern that also matches its escaped-Markdown form. */
function loosePattern(secret: string): string {
  const chars = [...secret];
  const first = chars[0] ?? '';
  // A leading escapable character arrives as "\_": take its backslash too, or it would escape the marker.
  const lead = ALNUM.test(first) ? '' : '(?:\\\\)?';
  return lead + chars.map(escapeRegExp).join(GAP);
}

/** Is the string under this key rendered as Markdown by Discord (where escape.ts escaped it)? */
function isMarkdown(key: string | undefined, owner: string | undefined): boolean {
  return key === 'content' || key === 'description' || (key === 'value' && owner === 'fields');
}

export class Redactor {
  readonly #pattern: RegExp | undefined;

  constructor(secrets: readonly (string | undefined)[]) {
    const usable = [
      ...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)),
    ].sort((a, b) => b.length - a.length);
    // Case-insensitive: a lower-cased token is still most of the token.
    this.#pattern = usable.length ? new RegExp(usable.map(loosePattern).join('|'), 'giu') : undefined;
  }

  /** Whether there is anything to redact. */
  get active(): boolean {
    return this.#pattern !== undefined;
  }

  /** Whether `s` holds a secret (also escaped, or inside JSON). */
  has(s: string): boolean {
    if (!this.#pattern) return false;
    this.#pattern.lastIndex = 0;
    return this.#pattern.test(s);
  }

  /** `s` with every secret replaced by the marker (plain text, or escaped Markdown when `markdown`). */
  text(s: string, markdown = false): string {
    if (!this.#pattern || !this.has(s)) return s;
    return s.replace(this.#pattern, (m) => {
      const marker = markdown ? REDACTED_MARKDOWN + unpaired(m) : REDACTED;
      // Never longer than what it replaces, so a text within Discord's limits stays within them.
      return m.length >= marker.length ? marker : '…';
    });
  }

  /** A copy of a JSON value with every string redacted (Markdown-aware by key); the value itself when clean. */
  value<T>(v: T): T {
    return this.#walk(v, undefined, undefined) as T;
  }

  #walk(v: unknown, key: string | undefined, owner: string | undefined): unknown {
    if (typeof v === 'string') return this.text(v, isMarkdown(key, owner));
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((x) => {
        const y = this.#walk(x, undefined, key ?? owner);
        if (y !== x) changed = true;
        return y;
      });
      return changed ? out : v;
    }
    if (v !== null && typeof v === 'object') {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const y = this.#walk(x, k, key ?? owner);
        if (y !== x) changed = true;
        out[k] = y;
      }
      return changed ? out : v;
    }
    return v;
  }

  /**
   * A request body with the secrets redacted: a JSON string (what discord.js sends for replies) or
   * multipart form data with a `payload_json` part. Anything else is returned as it is.
   */
  body<B>(body: B): B {
    if (!this.#pattern) return body;
    if (typeof body === 'string') {
      if (!this.has(body)) return body;
      try {
        return JSON.stringify(this.value(JSON.parse(body) as unknown)) as B;
      } catch {
        return this.text(body) as B;
      }
    }
    if (body instanceof FormData) {
      const json = body.get('payload_json');
      if (typeof json === 'string' && this.has(json)) body.set('payload_json', this.body(json));
      for (const [k, x] of [...body.entries()]) {
        if (k !== 'payload_json' && typeof x === 'string' && this.has(x)) body.set(k, this.text(x));
      }
    }
    return body;
  }
}
