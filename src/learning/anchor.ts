/**
 * Anchors: a passage named by its file and a hash of its text, so that a pick survives
 * re-indexing while its passage is unchanged, and is set aside when the passage changed or
 * disappeared.
 */
import { createHash } from 'node:crypto';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { Passage } from '../core/types.js';
import type { Anchor } from '../store/types.js';

/** The text as anchors compare it: runs of whitespace are one space, no space at either end. */
export function normaliseText(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Hex SHA-256 prefix (16 chars) of the whitespace-normalised text. */
export function textHash(text: string): string {
  return createHash('sha256').update(normaliseText(text)).digest('hex').slice(0, 16);
}

/** "Title › Section" of a passage (the title alone before the first heading). */
export function passageLabel(passage: Passage): string {
  const { title, section } = passage.origin;
  return section ? `${title} › ${section}` : title;
}

/** The anchor that names a passage. */
export function anchorOf(passage: Passage): Anchor {
  return {
    file: passage.origin.file,
    hash: textHash(passage.text),
    text: passage.text,
    label: passageLabel(passage),
  };
}

/**
 * Finds anchored passages in one snapshot: by file and hash, or by hash alone when the article's
 * file was renamed. Built once per snapshot (a hash per passage).
 */
export class AnchorResolver {
  readonly #byKey = new Map<string, Passage>();
  readonly #byHash = new Map<string, Passage | null>();

  constructor(readonly index: CorpusIndex) {
    for (const p of index.passages) {
      const hash = textHash(p.text);
      this.#byKey.set(`${p.origin.file}\u0000${hash}`, p);
      // The same text in two files: ambiguous without the file (null).
      this.#byHash.set(hash, this.#byHash.has(hash) ? null : p);
    }
  }

  /** The passage the anchor names in this snapshot, or undefined when it changed or is gone. */
  resolve(anchor: Pick<Anchor, 'file' | 'hash'>): Passage | undefined {
    return (
      this.#byKey.get(`${anchor.file}\u0000${anchor.hash}`) ?? this.#byHash.get(anchor.hash) ?? undefined
    );
  }

  /**
   * The passages holding a verbatim piece of text (whitespace may differ), in one file when
   * `file` is given.
   */
  find(piece: string, file?: string): Passage[] {
    const wanted = normaliseText(piece);
    if (!wanted) return [];
    return this.index.passages.filter(
      (p) => (file === undefined || p.origin.file === file) && normaliseText(p.text).includes(wanted),
    );
  }
}
