// Decoding a body (src/ingest/charset.ts): the header, a byte order mark, <meta charset>, UTF-8
// validity, windows-1252 for ISO-8859-1 as browsers do, unknown labels, and bytes that are not text.
import { describe, expect, it } from 'vitest';
import { decodeText, metaCharset, type CharsetHints } from '../../src/ingest/charset.js';
import { IngestError } from '../../src/ingest/types.js';

const page = (declared?: string): CharsetHints => ({ kind: 'html', subject: 'the page', declared });
const plain = (declared?: string): CharsetHints => ({ kind: 'plain', subject: 'the file', declared });
/** “Café” in windows-1252 bytes: 0x93 C a f 0xE9 0x94. */
const CP1252 = Uint8Array.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94]);

function refusal(run: () => unknown): IngestError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(IngestError);
    return err as IngestError;
  }
  throw new Error('expected a refusal');
}

describe('decodeText', () => {
  it('takes the charset of the Content-Type header', () => {
    expect(decodeText(CP1252, page('windows-1252'))).toEqual({ text: '“Café”', charset: 'windows-1252' });
    const cyrillic = Uint8Array.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
    expect(decodeText(cyrillic, plain('windows-1251'))).toEqual({ text: 'Привет', charset: 'windows-1251' });
  });

  it('decodes ISO-8859-1, Latin-1 and ASCII labels as windows-1252, as browsers do', () => {
    for (const label of ['iso-8859-1', 'ISO-8859-1', 'latin1', 'us-ascii', 'cp1252']) {
      expect(decodeText(CP1252, page(label))).toEqual({ text: '“Café”', charset: 'windows-1252' });
    }
    const all = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
    const lead = `${'text '.repeat(12)}: `;
    const text = decodeText(Uint8Array.from([...Buffer.from(lead), ...all]), page('latin1')).text;
    expect(text).toBe(`${lead}€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ`);
  });

  it('lets a byte order mark decide, and removes it', () => {
    const utf8 = Buffer.from('\uFEFFnaïve', 'utf8');
    expect(decodeText(utf8, page('windows-1252'))).toEqual({ text: 'naïve', charset: 'utf-8' });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('naïve “x”', 'utf16le')]);
    expect(decodeText(le, plain())).toEqual({ text: 'naïve “x”', charset: 'utf-16le' });
    const be = Buffer.from(Buffer.from('naïve', 'utf16le').map((_, i, b) => b[i ^ 1] ?? 0));
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), plain())).toEqual({
      text: 'naïve',
      charset: 'utf-16be',
    });
  });

  it('reads <meta charset> and http-equiv Content-Type in the first 1024 bytes of HTML only', () => {
    const meta = Buffer.concat([Buffer.from('<html><head><meta charset="ISO-8859-1"></head><p>'), CP1252]);
    expect(decodeText(meta, page())).toMatchObject({ charset: 'windows-1252' });
    expect(decodeText(meta, page()).text).toContain('<p>“Café”');
    const equiv = Buffer.from(
      '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>\xcf\xf0\xe8',
      'latin1',
    );
    expect(decodeText(equiv, page()).text).toContain('<p>При');
    // Not in Markdown or plain text, not past 1024 bytes, not in a comment.
    expect(decodeText(meta, plain()).charset).toBe('windows-1252');
    expect(decodeText(Buffer.from('<meta charset="koi8-r"><p>caf\u00e9'), plain()).charset).toBe('utf-8');
    const late = Buffer.from(`${' '.repeat(1024)}<meta charset="koi8-r">`);
    expect(metaCharset(late)).toBeUndefined();
    expect(metaCharset(Buffer.from('<!-- <meta charset="koi8-r"> --><meta charset=utf-8>'))).toBe('utf-8');
  });

  it('treats a meta that claims UTF-16 as UTF-8 (the bytes were read as ASCII to find it)', () => {
    const bytes = Buffer.from('<meta charset="utf-16"><p>café');
    expect(decodeText(bytes, page())).toMatchObject({
      charset: 'utf-8',
      text: '<meta charset="utf-16"><p>café',
    });
  });

  it('falls back to UTF-8 when the bytes are valid UTF-8, else windows-1252', () => {
    expect(decodeText(Buffer.from('déjà vu'), page())).toEqual({ text: 'déjà vu', charset: 'utf-8' });
    expect(decodeText(CP1252, plain())).toEqual({ text: '“Café”', charset: 'windows-1252' });
  });

  it('for an attachment, lets invalid bytes overrule a declared UTF-8', () => {
    const hints: CharsetHints = { kind: 'plain', subject: 'the file', declared: 'utf-8', weakDeclared: true };
    expect(decodeText(CP1252, hints)).toEqual({ text: '“Café”', charset: 'windows-1252' });
    // A page's header is believed: the bad bytes become replacement characters.
    expect(decodeText(Buffer.from('ok \xe9 ok', 'latin1'), page('utf-8')).text).toBe('ok \uFFFD ok');
  });

  it('refuses a charset it does not know', () => {
    const err = refusal(() => decodeText(Buffer.from('x'), page('x-klingon')));
    expect(err.code).toBe('charset');
    expect(err.message).toBe(
      'the page says its text is in “x-klingon”, a character set citebot does not know',
    );
    const meta = refusal(() => decodeText(Buffer.from('<meta charset="made-up-8">x'), page()));
    expect(meta.code).toBe('charset');
  });

  it('refuses bytes that are not text', () => {
    expect(refusal(() => decodeText(Buffer.from('\0'), plain())).code).toBe('bad_file');
    const nul = refusal(() => decodeText(Buffer.from('a long text with one \0 in it'), plain()));
    expect(nul.code).toBe('bad_file');
    expect(nul.message).toBe('that file is not text');
    const controls = Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)));
    expect(refusal(() => decodeText(controls, page())).message).toBe('that page is not text');
    const utf16 = Buffer.from('text without a byte order mark', 'utf16le');
    expect(refusal(() => decodeText(utf16, plain())).code).toBe('bad_file');
    // A few control characters in a long text are fine; tabs, line breaks and form feeds always.
    expect(decodeText(Buffer.from(`a\tb\r\nc\fd\x07${'e'.repeat(100)}`), plain()).text).toContain('\x07');
  });
});
