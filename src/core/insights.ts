/**
 * What /insights computes from the question log, pure: questions grouped by the similarity the
 * learning uses (identical normalised wordings first, then greedily by meaning and shared terms),
 * and the articles and sections answers quoted, most and never. Pure.
 */
import type { CorpusIndex } from './corpus-index.js';
import { normaliseQuestion } from './pick-weights.js';
import { mixSimilarity, TEACHING, type TeachingSettings, weightedTerms } from './teaching.js';
import { dot } from './vector-index.js';

/** One logged question as grouping reads it (the store's QuestionEntry has it all). */
export interface AskedQuestion {
  question: string;
  at: number;
  answered: boolean;
}

/** One normalised wording: how often it was asked, how often answered, when last. */
export interface DistinctQuestion {
  /** The normalised wording (`normaliseQuestion`). */
  key: string;
  /** Its most frequent written form (trimmed, runs of spaces as one); the earliest of equals. */
  text: string;
  count: number;
  answered: number;
  latest: number;
}

/** Questions that ask for the same thing: a representative and the wordings that joined it. */
export interface QuestionGroup {
  /** The wording that started the group (the most asked of them: groups are seeded most asked first). */
  question: string;
  /** Questions asked in the group (every wording, repeats included). */
  count: number;
  /** Of those, answered. */
  answered: number;
  /** When one of them was last asked. */
  latest: number;
  /** The group's other wordings, most asked first, at most `GroupingOptions.wordings`. */
  others: string[];
  /** How many distinct wordings the group has (the representative's included). */
  wordings: number;
}

/** The most recent distinct questions compared by similarity; older ones are grouped only when identical. */
export const GROUPING_CAP = 2000;

export interface GroupingOptions {
  /** Thresholds and the vector weight (default: TEACHING, as the learning). */
  settings?: Readonly<TeachingSettings>;
  /** At most this many distinct questions (the most recent) are grouped by similarity (default GROUPING_CAP). */
  cap?: number;
  /** Other wordings kept per group (default 3). */
  wordings?: number;
}

/** The result of grouping. */
export interface Grouping {
  /** Most asked first; then the most recently asked. */
  groups: QuestionGroup[];
  /** Distinct normalised wordings. */
  distinct: number;
  /** Distinct wordings left out of the similarity grouping by the cap (grouped only when identical). */
  beyondCap: number;
}

/** The distinct wordings of `asked`, most asked first, then the most recent, then by wording. Empty ones are left out. */
export function distinctQuestions(asked: readonly AskedQuestion[]): DistinctQuestion[] {
  const byKey = new Map<string, DistinctQuestion & { forms: Map<string, number> }>();
  for (const q of asked) {
    const key = normaliseQuestion(q.question);
    if (!key) continue;
    let d = byKey.get(key);
    if (!d) {
      d = { key, text: '', count: 0, answered: 0, latest: q.at, forms: new Map() };
      byKey.set(key, d);
    }
    d.count++;
    if (q.answered) d.answered++;
    d.latest = Math.max(d.latest, q.at);
    const form = q.question.replace(/\s+/gu, ' ').trim();
    d.forms.set(form, (d.forms.get(form) ?? 0) + 1);
  }
  const out: DistinctQuestion[] = [];
  for (const { forms, ...d } of byKey.values()) {
    let best = '';
    let most = 0;
    for (const [form, n] of forms) {
      if (n > most) [best, most] = [form, n];
    }
    out.push({ ...d, text: best });
  }
  return out.sort(byFrequency);
}

function byFrequency(a: DistinctQuestion, b: DistinctQuestion): number {
  return b.count - a.count || b.latest - a.latest || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Which distinct questions are compared by similarity (the `cap` most recent, in the order they
 * are added: most asked first) and which are grouped only when identical (the older rest).
 */
export function groupingPlan(
  distinct: readonly DistinctQuestion[],
  cap = GROUPING_CAP,
): { similar: DistinctQuestion[]; exact: DistinctQuestion[] } {
  if (distinct.length <= cap) return { similar: [...distinct], exact: [] };
  const recent = [...distinct].sort((a, b) => b.latest - a.latest || byFrequency(a, b));
  const kept = new Set(recent.slice(0, cap));
  return {
    similar: distinct.filter((d) => kept.has(d)),
    exact: distinct.filter((d) => !kept.has(d)),
  };
}

function unit(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v));
  if (!(n > 0)) return new Float32Array(0);
  return v.map((x) => x / n);
}

interface Building {
  seed: DistinctQuestion;
  members: DistinctQuestion[];
  /** The representative's weighted terms' total (termSimilarity's denominator share). */
  total: number;
  /** Unit length, or empty without a vector. */
  vector: Float32Array;
}

/**
 * Greedy grouping, one distinct question at a time: it joins the group whose representative (the
 * question that started it) is most similar to it (the learning's mix of vector cosine and
 * `termSimilarity`), when at least the learning's threshold (`minSimilarity.vectors` when both have
 * a vector, else `.terms`); else it starts a group. Shared terms are summed over an inverted index
 * of the representatives' terms, so only representatives sharing a term cost a term comparison;
 * every representative with a vector costs a dot product. The caller may yield between adds.
 */
export class QuestionGrouper {
  readonly #index: CorpusIndex;
  readonly #settings: Readonly<TeachingSettings>;
  readonly #groups: Building[] = [];
  /** Term → the groups whose representative holds it, with its weight there. */
  readonly #postings = new Map<string, { ids: number[]; weights: number[] }>();
  /** The groups with a vector. */
  readonly #withVector: number[] = [];

  constructor(index: CorpusIndex, settings: Readonly<TeachingSettings> = TEACHING) {
    this.#index = index;
    this.#settings = settings;
  }

  /** Adds one distinct question (with its sentence vector, when there is one). */
  add(d: DistinctQuestion, vector?: Float32Array): void {
    const terms = weightedTerms(this.#index, this.#index.analyze(d.text));
    let total = 0;
    for (const w of terms.values()) total += w;
    const v = vector && vector.length > 0 ? unit(vector) : new Float32Array(0);
    // Shared term weight with each representative holding one of the terms (as termSimilarity sums it).
    const shared = new Map<number, number>();
    for (const [term, w] of terms) {
      const p = this.#postings.get(term);
      if (!p) continue;
      p.ids.forEach((id, i) => shared.set(id, (shared.get(id) ?? 0) + Math.min(w, p.weights[i] as number)));
    }
    const termsWith = (id: number) => {
      const sum = total + (this.#groups[id] as Building).total;
      return sum > 0 ? (2 * (shared.get(id) ?? 0)) / sum : 0;
    };
    const { minSimilarity } = this.#settings;
    let best = -1;
    let bestScore = 0;
    const consider = (id: number, score: number, threshold: number) => {
      if (score < threshold || !(score > 0)) return;
      // Ties go to the earlier group (seeded by a more asked question).
      if (best < 0 || score > bestScore || (score === bestScore && id < best))
        [best, bestScore] = [id, score];
    };
    const byVector = new Set<number>();
    if (v.length > 0) {
      for (const id of this.#withVector) {
        const g = this.#groups[id] as Building;
        if (g.vector.length !== v.length) continue;
        byVector.add(id);
        consider(id, mixSimilarity(termsWith(id), dot(v, g.vector), this.#settings), minSimilarity.vectors);
      }
    }
    for (const id of shared.keys()) if (!byVector.has(id)) consider(id, termsWith(id), minSimilarity.terms);
    if (best >= 0) {
      (this.#groups[best] as Building).members.push(d);
      return;
    }
    const id = this.#groups.length;
    this.#groups.push({ seed: d, members: [d], total, vector: v });
    for (const [term, w] of terms) {
      let p = this.#postings.get(term);
      if (!p) this.#postings.set(term, (p = { ids: [], weights: [] }));
      p.ids.push(id);
      p.weights.push(w);
    }
    if (v.length > 0) this.#withVector.push(id);
  }

  /** Adds a distinct question as a group of its own (no comparison: beyond the cap). */
  addAlone(d: DistinctQuestion): void {
    this.#groups.push({ seed: d, members: [d], total: 0, vector: new Float32Array(0) });
  }

  /** The groups so far, most asked first, then the most recently asked. */
  groups(wordings = 3): QuestionGroup[] {
    const out = this.#groups.map((g): QuestionGroup => {
      const others = g.members.filter((m) => m !== g.seed).sort(byFrequency);
      return {
        question: g.seed.text,
        count: g.members.reduce((s, m) => s + m.count, 0),
        answered: g.members.reduce((s, m) => s + m.answered, 0),
        latest: Math.max(...g.members.map((m) => m.latest)),
        others: others.slice(0, wordings).map((m) => m.text),
        wordings: g.members.length,
      };
    });
    return out.sort((a, b) => b.count - a.count || b.latest - a.latest);
  }
}

/**
 * Groups questions in one go (see QuestionGrouper). `vectorOf` gives a distinct wording's sentence
 * vector (undefined: terms only).
 */
export function groupQuestions(
  index: CorpusIndex,
  asked: readonly AskedQuestion[],
  vectorOf: (d: DistinctQuestion) => Float32Array | undefined = () => undefined,
  options: GroupingOptions = {},
): Grouping {
  const distinct = distinctQuestions(asked);
  const { similar, exact } = groupingPlan(distinct, options.cap);
  const grouper = new QuestionGrouper(index, options.settings);
  for (const d of similar) grouper.add(d, vectorOf(d));
  for (const d of exact) grouper.addAlone(d);
  return { groups: grouper.groups(options.wordings), distinct: distinct.length, beyondCap: exact.length };
}

/** A place answers quote, by article and section (the store's QuotedPlace). */
export interface QuotedPlace {
  file: string;
  section: string;
}

/** How many answers quoted one section. */
export interface SectionQuotes {
  file: string;
  /** The article's title in the serving snapshot, else its file (an article since removed). */
  title: string;
  section: string;
  count: number;
}

/** How many answers quoted one article. */
export interface ArticleQuotes {
  file: string;
  title: string;
  count: number;
  /** Whether the serving snapshot still has it. */
  current: boolean;
}

/** What answers quoted, and what of the serving snapshot they never did. */
export interface QuoteCounts {
  /** Most quoted first, then by file and section. */
  sections: SectionQuotes[];
  articles: ArticleQuotes[];
  /** Articles of the snapshot no answer quoted, in the snapshot's order. */
  neverArticles: { file: string; title: string }[];
  /** Sections (with passages) never quoted, of the snapshot's articles that were quoted. */
  neverSections: { file: string; title: string; section: string }[];
}

/**
 * Counts the places answered questions quoted: each article and each section once per answer
 * that quoted it (however many of its passages were shown). Declined questions quote nothing.
 */
export function countQuotes(
  index: Pick<CorpusIndex, 'articles'>,
  entries: readonly { answered: boolean; quoted: readonly QuotedPlace[] }[],
): QuoteCounts {
  const titleOf = new Map(index.articles.map((a) => [a.file, a.title]));
  const bySection = new Map<string, SectionQuotes>();
  const byArticle = new Map<string, ArticleQuotes>();
  for (const e of entries) {
    if (!e.answered) continue;
    const files = new Set<string>();
    const sections = new Set<string>();
    for (const q of e.quoted) {
      const sectionKey = `${q.file}\u0000${q.section}`;
      if (!sections.has(sectionKey)) {
        sections.add(sectionKey);
        const title = titleOf.get(q.file) ?? q.file;
        const s = bySection.get(sectionKey) ?? { file: q.file, title, section: q.section, count: 0 };
        s.count++;
        bySection.set(sectionKey, s);
      }
      if (!files.has(q.file)) {
        files.add(q.file);
        const title = titleOf.get(q.file);
        const a = byArticle.get(q.file) ?? {
          file: q.file,
          title: title ?? q.file,
          count: 0,
          current: title !== undefined,
        };
        a.count++;
        byArticle.set(q.file, a);
      }
    }
  }
  const order = (a: { file: string; count: number; section?: string }, b: typeof a) =>
    b.count - a.count || compare(a.file, b.file) || compare(a.section ?? '', b.section ?? '');
  const neverArticles: QuoteCounts['neverArticles'] = [];
  const neverSections: QuoteCounts['neverSections'] = [];
  for (const a of index.articles) {
    if (!byArticle.has(a.file)) {
      neverArticles.push({ file: a.file, title: a.title });
      continue;
    }
    const seen = new Set<string>();
    for (const s of a.sections) {
      if (s.passages <= 0 || seen.has(s.name)) continue;
      seen.add(s.name);
      if (!bySection.has(`${a.file}\u0000${s.name}`))
        neverSections.push({ file: a.file, title: a.title, section: s.name });
    }
  }
  return {
    sections: [...bySection.values()].sort(order),
    articles: [...byArticle.values()].sort(order),
    neverArticles,
    neverSections,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
