/**
 * The data model of citebot's answer engine. Everything here is plain data:
 * no functions, no I/O, safe to serialise.
 */

/** Where a passage comes from, precise enough to check a quote against its file. */
export interface Origin {
  /** Path of the file relative to the corpus folder, with `/` separators. */
  file: string;
  /** The article's title (front matter, first line, or a name made from the file name). */
  title: string;
  /** The nearest heading, with its parents where the text shows nesting, joined by " › ". Empty before the first heading. */
  section: string;
  /** 1-based number of the passage within its section. */
  paragraph: number;
  /** 1-based first and last line of the passage in the file. */
  lines: [number, number];
  /** Start (inclusive) and end (exclusive) offsets in UTF-16 code units into the decoded file text. */
  offsets: [number, number];
  /** The article's source link (front matter `url`), when it has one. */
  url?: string;
}

export type PassageKind = 'paragraph' | 'item';

/** A quotable unit of an article: a paragraph or a list item. */
export interface Passage {
  /** Dense numeric id, unique within one index snapshot. */
  id: number;
  kind: PassageKind;
  /** The passage's own words; lines broken mid-sentence are joined with one space. */
  text: string;
  /** For list items, the lead-in sentence of the list (indexed, shown as context, never quoted as the item). */
  context?: string;
  origin: Origin;
}

/** Metadata of one article (one file). */
export interface ArticleMeta {
  file: string;
  title: string;
  author?: string;
  /** The article's date as written ("9 July 2025"), from front matter or a leading date line. */
  date?: string;
  url?: string;
  /** Sections in reading order, each with its passage count. */
  sections: { name: string; passages: number }[];
  passages: number;
  /** A content hash of the file, used to report added/changed/removed articles on re-index. */
  hash: string;
}

/** A file that was not indexed, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

/** One article ready to be split: its file name, decoded text and (optional) hash. */
export interface SourceText {
  file: string;
  text: string;
  hash: string;
}

/** A character range [start, end) within a string. */
export type Span = [number, number];

/** A passage chosen to answer a question. */
export interface AnswerPassage {
  passage: Passage;
  /** Whole sentences around the matched words, at most about 350 characters, "…" where cut. */
  quote: string;
  /** Ranges of `quote` holding matched words, for highlighting. */
  quoteHighlights: Span[];
  /** The ranking score (higher is better). */
  score: number;
  /** Processed query terms this passage matched. */
  matchedTerms: string[];
}

/** The engine's answer to one question: data first, rendered elsewhere. */
export interface Answer {
  question: string;
  /** False when the corpus does not answer the question well enough. */
  answered: boolean;
  /** Best passages, best first; empty when not answered. */
  passages: AnswerPassage[];
  /** Further candidates beyond those requested, for "more results". */
  more: AnswerPassage[];
  /** "Did you mean" queries. */
  suggestions: string[];
  /** How much of the question's meaningful words the best passages cover (0..1). */
  coverage: number;
  /** Highest sentence-vector similarity of a passage to the question, when the semantic stage ran. */
  similarity?: number;
  /** Why the question was declined, when it was. */
  declineReason?: string;
  /**
   * Passages that mention the question's subject but don't hold the kind of answer it asks
   * for (a price, a date, a name…): set when the question is declined for that reason
   * (see core/answer-type.ts), empty otherwise.
   */
  related: AnswerPassage[];
  /** What the related passages mention: the question's words they matched ("nanoGPT"). */
  subject?: string;
  /** The article filter applied, if any. */
  article?: string;
  /**
   * What taught questions (picks, see core/teaching.ts) did to this answer: the passages they
   * lifted or lowered, and the taught `none` that declined it. Absent when nothing was taught
   * near the question (the answer is then exactly what it is without teaching).
   */
  learned?: LearnedEffects;
}

/** One passage moved by one taught question. */
export interface LearnedMove {
  passageId: number;
  /** The picks of the taught question. */
  pickIds: number[];
  /** The taught question (another person's words: for explanations, not for the answer itself). */
  question: string;
  /** How similar the taught question is to the one asked (0..1). */
  similarity: number;
  /** `lift`: the taught question was answered by this passage; `lower`: it was marked as not answered by it. */
  effect: 'lift' | 'lower';
}

/** What teaching did to one answer. */
export interface LearnedEffects {
  /** Every move, by taught question and passage (a passage may appear more than once). */
  moves: LearnedMove[];
  /** The taught `none` that declined the question, when one did. */
  declinedBy?: { pickIds: number[]; question: string; similarity: number };
}
