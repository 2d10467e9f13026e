/**
 * Turning a body's bytes into text. The character set comes from, in order: a byte order mark
 * (UTF-8, UTF-16LE/BE: it cannot be mistaken, so it wins, as in browsers), the Content-Type
 * header, a `<meta charset>` (or `http-equiv` Content-Type) in the first 1024 bytes of HTML, then
 * UTF-8 when the bytes are valid UTF-8, else windows-1252. ISO-8859-1, Latin-1 and ASCII labels
 * decode as windows-1252, as browsers do (WHATWG Encoding). Text with NUL characters, or mostly
 * control characters, is refused: it is not text.
 */
import { shown } from './format.js';
import { IngestError, type TextKind } from './types.js';

/** What decoding gave. */
export interface Decoded {
  text: string;
  /** The encoding's WHATWG name: "utf-8", "windows-1252", "utf-16le", … */
  charset: string;
}

/** Where the charset may come from besides the bytes. */
export interface CharsetHints {
  kind: TextKind;
  /** The Content-Type header's charset parameter. */
  declared?: string;
  /**
   * The declared charset is only a guess (Discord labels every text attachment UTF-8): when it
   * says UTF-8 and the bytes are not, the bytes decide.
   */
  weakDeclared?: boolean;
  /** "the page" or "the file", as messages say it. */
  subject: string;
}

/** windows-1252's characters for the bytes 0x80–0x9F (the five unassigned ones stay C1 controls). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

/** windows-1252 decoded by hand: Node 20's TextDecoder decodes that label as ISO-8859-1. */
function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\x80-\x9f]/gu, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? 0xfffd));
}

/**
 * The WHATWG encoding name for a label ("latin1" → "windows-1252", "UTF8" → "utf-8"); `charset`
 * error for a label TextDecoder does not know.
 */
export function encodingFor(label: string, subject: string): string {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    throw new IngestError(
      'charset',
      `${subject} says its text is in “${shown(label, 40)}”, a character set citebot does not know`,
    );
  }
}

/** The encoding a byte order mark announces, if the bytes start with one. */
export function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * The charset label an HTML document's `<meta charset="…">` or `<meta http-equiv="Content-Type"
 * content="…; charset=…">` gives in its first 1024 bytes.
 */
export function metaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString(
    'latin1',
  );
  const withoutComments = head.replace(/<!--[\s\S]*?-->/gu, '');
  for (const tag of withoutComments.match(/<meta\b[^>]*>/giu) ?? []) {
    const m = /\bcharset\s*=\s*["']?\s*([^\s"'>;/]+)/iu.exec(tag);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** Whether the bytes are valid UTF-8 throughout. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Decodes with an encoding's WHATWG name (BOM removed). */
function decodeAs(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  return new TextDecoder(encoding).decode(bytes);
}

/** The encoding to decode `bytes` with, by the order in the header comment. */
export function chooseEncoding(bytes: Uint8Array, hints: CharsetHints): string {
  const bom = bomEncoding(bytes);
  if (bom !== undefined) return bom;
  if (hints.declared !== undefined && hints.declared.trim() !== '') {
    const declared = encodingFor(hints.declared, hints.subject);
    if (!(hints.weakDeclared && declared === 'utf-8' && !isUtf8(bytes))) return declared;
  }
  if (hints.kind === 'html') {
    const meta = metaCharset(bytes);
    if (meta !== undefined) {
      const encoding = encodingFor(meta, hints.subject);
      // A document read as ASCII-compatible bytes cannot really be UTF-16 (HTML's rule).
      return encoding === 'utf-16le' || encoding === 'utf-16be' ? 'utf-8' : encoding;
    }
  }
  return isUtf8(bytes) ? 'utf-8' : 'windows-1252';
}

/**
 * Refuses text that is not text: any NUL, or more than a tenth of it (and more than two
 * characters) control or replacement characters; tabs, line breaks and form feeds are text.
 */
export function assertText(text: string, subject: string): void {
  const most = Math.max(2, text.length / 10);
  const notText = () => new IngestError('bad_file', `${subject.replace(/^the /u, 'that ')} is not text`);
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) throw notText();
    const control = (c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || (c >= 0x7f && c <= 0x9f);
    if ((control || c === 0xfffd) && ++odd > most) throw notText();
  }
}

/** Decodes a body's bytes by the rules above and checks that the result is text. */
export function decodeText(bytes: Uint8Array, hints: CharsetHints): Decoded {
  const charset = chooseEncoding(bytes, hints);
  const text = decodeAs(bytes, charset);
  assertText(text, hints.subject);
  return { text, charset };
}
