/**
 * Passages in columns, for snapshots: one string for all texts, string tables for files,
 * titles, sections and lead-ins, and typed arrays for the numbers. V8 serialises this as a
 * handful of buffers instead of tens of thousands of small objects, which makes loading a
 * large snapshot several times faster.
 */
import type { Passage } from './types.js';

/** The packed layout's name; a different layout is refused, never misread. */
export const PASSAGES_FORMAT = 'citebot-passages-2';

export interface PackedPassages {
  format: typeof PASSAGES_FORMAT;
  count: number;
  /** All passage texts, in order; `textEnd[i]` is where passage i's text ends. */
  texts: string;
  textEnd: Uint32Array;
  strings: string[];
  /** Per passage: indexes into `strings` (context and url: -1 when none). */
  file: Int32Array;
  title: Int32Array;
  section: Int32Array;
  context: Int32Array;
  url: Int32Array;
  /** Per passage: kind (0 paragraph, 1 item), paragraph, first and last line, start and end offset. */
  kind: Uint8Array;
  numbers: Uint32Array;
}

const N = 5;

export function packPassages(passages: readonly Passage[]): PackedPassages {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const intern = (s: string) => {
    let id = ids.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      ids.set(s, id);
    }
    return id;
  };
  const count = passages.length;
  const out: PackedPassages = {
    format: PASSAGES_FORMAT,
    count,
    texts: '',
    textEnd: new Uint32Array(count),
    strings,
    file: new Int32Array(count),
    title: new Int32Array(count),
    section: new Int32Array(count),
    context: new Int32Array(count),
    url: new Int32Array(count),
    kind: new Uint8Array(count),
    numbers: new Uint32Array(count * N),
  };
  const texts: string[] = [];
  let end = 0;
  passages.forEach((p, i) => {
    if (p.id !== i) throw new Error(`passage ${i} has id ${p.id}`);
    texts.push(p.text);
    end += p.text.length;
    out.textEnd[i] = end;
    out.file[i] = intern(p.origin.file);
    out.title[i] = intern(p.origin.title);
    out.section[i] = intern(p.origin.section);
    out.context[i] = p.context === undefined ? -1 : intern(p.context);
    out.url[i] = p.origin.url === undefined ? -1 : intern(p.origin.url);
    out.kind[i] = p.kind === 'item' ? 1 : 0;
    out.numbers.set(
      [p.origin.paragraph, p.origin.lines[0], p.origin.lines[1], p.origin.offsets[0], p.origin.offsets[1]],
      i * N,
    );
  });
  out.texts = texts.join('');
  return out;
}

export function unpackPassages(packed: PackedPassages): Passage[] {
  if (packed?.format !== PASSAGES_FORMAT) {
    throw new Error(`not packed citebot passages of layout ${PASSAGES_FORMAT}`);
  }
  const out: Passage[] = new Array(packed.count);
  const str = (i: number) => {
    const s = packed.strings[i];
    if (s === undefined) throw new Error(`packed passages: no string ${i}`);
    return s;
  };
  let start = 0;
  for (let i = 0; i < packed.count; i++) {
    const end = packed.textEnd[i] as number;
    const n = packed.numbers.subarray(i * N, i * N + N);
    const p: Passage = {
      id: i,
      kind: packed.kind[i] === 1 ? 'item' : 'paragraph',
      text: packed.texts.slice(start, end),
      origin: {
        file: str(packed.file[i] as number),
        title: str(packed.title[i] as number),
        section: str(packed.section[i] as number),
        paragraph: n[0] as number,
        lines: [n[1] as number, n[2] as number],
        offsets: [n[3] as number, n[4] as number],
      },
    };
    const url = packed.url[i] as number;
    if (url >= 0) p.origin.url = str(url);
    const ctx = packed.context[i] as number;
    if (ctx >= 0) p.context = str(ctx);
    out[i] = p;
    start = end;
  }
  if (start !== packed.texts.length) throw new Error('packed passages: text length mismatch');
  return out;
}
