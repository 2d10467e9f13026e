/**
 * A deterministic, realistic synthetic corpus for the speed benchmark (see bench/README.md).
 *
 * Words: a bigram model of the source articles (real English word order and frequencies,
 * with their capitalised names, hyphenated words and curly apostrophes), mixed with a long
 * tail of pronounceable synthetic words of Zipf-like frequency, and with a few topic words
 * per article (and per folder) that recur in it. Structure: the shapes the splitter knows —
 * title, date line, plain and Markdown headings, numbered sub-headings, paragraphs on one
 * line (a few hard-wrapped), lists with a lead-in line, front matter.
 *
 * Everything comes from a seeded PRNG: the same options give byte-identical output.
 */
import { isStopWord, normalizeWord } from '../src/core/text.js';

export interface GeneratedFile {
  /** Path relative to the corpus folder, `/`-separated ("topic-03/the-rise-of-velorian.txt"). */
  name: string;
  text: string;
}

export interface GenerateOptions {
  /** 1 ≈ the size of the source texts; 100 ≈ 100 times that. */
  scale: number;
  seed?: number;
  /** Real English articles: the word model is learnt from them. */
  sourceTexts: readonly string[];
}

export interface GeneratedCorpus {
  files: GeneratedFile[];
  /** Total UTF-8 bytes of the files. */
  bytes: number;
}

export type QuestionKind = 'sentence' | 'keyword' | 'head';

export interface BenchQuestion {
  q: string;
  kind: QuestionKind;
}

export const DEFAULT_SEED = 1;

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hashes integers into one 32-bit seed (murmur3-style finaliser per value). */
function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

class Rng {
  readonly float: () => number;
  constructor(seed: number) {
    this.float = mulberry32(seed);
  }
  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: ArrayLike<T>): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.float() * items.length)] as T;
  }
  /** A value whose logarithm is uniform in [ln lo, ln hi). */
  logUniform(lo: number, hi: number): number {
    return lo * Math.exp(this.float() * Math.log(hi / lo));
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------
// The English word model, learnt from the source texts

/** Words with inner hyphens, apostrophes (straight or curly), ampersands or dots; or a comma. */
const WORD_RE = /[\p{L}\p{N}]+(?:['’&.-][\p{L}\p{N}]+)*|,/gu;
const COMMA = 0;

interface WordModel {
  /** Surface form of every word id; id 0 is the comma. */
  forms: string[];
  /** Every word occurrence (no commas): a uniform pick is a unigram draw. */
  stream: Int32Array;
  /** Sentence-initial words. */
  starts: Int32Array;
  /** Successors of every id, with repeats (a uniform pick is a bigram draw). */
  next: Int32Array[];
  /** Occurrences of content words (not stop words, 3+ letters, no digits), for titles and headings. */
  content: Int32Array;
}

function isContentWord(word: string): boolean {
  const w = normalizeWord(word);
  return w.length >= 2 && !/\d/u.test(w) && !isStopWord(w) && !isStopWord(w.replace(/'s$/u, ''));
}

/** The body sentences of an article: no title, headings or dates; list markers and labels removed. */
function bodySentences(text: string): string[] {
  const out: string[] = [];
  for (const rawLine of text.split(/\r?\n/u)) {
    let line = rawLine.trim();
    if (!/[.!?:…]["”’)]?$/u.test(line)) continue;
    // A short question is a heading ("Why is Open Source AI Thriving?").
    if (line.endsWith('?') && line.split(' ').length <= 12) continue;
    line = line.replace(/^(?:[-*•]|\d{1,3}[.)])\s+/u, '');
    // "Label: sentence." / "Label – sentence." items: the label is heading-like, not prose.
    line = line.replace(/^[^:.–—]{1,60}(?::|\s[–—])\s+(?=\S)/u, '');
    for (const s of line.split(/(?<=[.!?:…]["”’)]?)\s+(?=["“(]?[\p{Lu}\p{N}])/u)) {
      if (s.trim()) out.push(s.trim());
    }
  }
  return out;
}

function buildWordModel(sourceTexts: readonly string[]): WordModel {
  const sentences: string[][] = [];
  // Written forms of every word (by lower-case key), counted where not sentence-initial.
  const inner = new Map<string, Map<string, number>>();
  const initial = new Map<string, string>();
  for (const text of sourceTexts) {
    for (const s of bodySentences(text)) {
      const toks = [...s.matchAll(WORD_RE)].map((m) => m[0]);
      while (toks[0] === ',') toks.shift();
      const words = toks.filter((t, i) => t !== ',' || (toks[i - 1] !== ',' && i < toks.length - 1));
      if (words.length < 3) continue;
      sentences.push(words);
      words.forEach((w, i) => {
        if (w === ',') return;
        const key = w.toLowerCase();
        if (i === 0) {
          if (!initial.has(key)) initial.set(key, w);
          return;
        }
        let forms = inner.get(key);
        if (!forms) inner.set(key, (forms = new Map()));
        forms.set(w, (forms.get(w) ?? 0) + 1);
      });
    }
  }
  if (sentences.length === 0) throw new Error('the source texts have no body sentences to learn from');

  const canonical = (w: string): string => {
    const key = w.toLowerCase();
    const forms = inner.get(key);
    if (forms) {
      let best = '';
      let bestN = 0;
      for (const [f, n] of forms) if (n > bestN || (n === bestN && f < best)) [best, bestN] = [f, n];
      return best;
    }
    // Only ever sentence-initial: keep inner capitals ("PyTorch", "AI"), else lower-case it.
    return /.\p{Lu}/u.test(w) ? w : key;
  };

  const ids = new Map<string, number>([[',', COMMA]]);
  const forms: string[] = [','];
  const idOf = (w: string): number => {
    const form = w === ',' ? ',' : canonical(w);
    let id = ids.get(form);
    if (id === undefined) {
      id = forms.length;
      ids.set(form, id);
      forms.push(form);
    }
    return id;
  };
  const stream: number[] = [];
  const starts: number[] = [];
  const content: number[] = [];
  const next: number[][] = [[]];
  for (const words of sentences) {
    let prev = -1;
    for (const w of words) {
      const id = idOf(w);
      while (next.length <= id) next.push([]);
      if (prev === -1) starts.push(id);
      else next[prev]?.push(id);
      if (id !== COMMA) {
        stream.push(id);
        if (isContentWord(forms[id] ?? '')) content.push(id);
      }
      prev = id;
    }
  }
  return {
    forms,
    stream: Int32Array.from(stream),
    starts: Int32Array.from(starts),
    next: next.map((n) => Int32Array.from(n)),
    content: Int32Array.from(content),
  };
}

// ---------------------------------------------------------------------------------------------
// The synthetic long tail: pronounceable words with Zipf-like frequencies

// prettier-ignore
const ONSETS = [
  'b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z',
  'br', 'cr', 'dr', 'fr', 'gr', 'pr', 'tr', 'st', 'sk', 'sl', 'sp', 'th', 'sh', 'ch', 'pl',
  'gl', 'fl', 'bl', 'kr', 'qu',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ae', 'ia', 'ou'];
const CODAS = ['', 'n', 'r', 'l', 'm', 'x', 'nd', 'rt', 'sh', 'th', 'k'];
const SYLLABLES = ONSETS.length * VOWELS.length;
/** Words of the first 40,000 ranks have two syllables, the rarer ones three. */
const SHORT_RANKS = 40_000;
const SPACE2 = SYLLABLES ** 2 * CODAS.length;
const SPACE3 = SYLLABLES ** 3 * CODAS.length;
/** Odd, prime and larger than every factor of the spaces: a bijective scramble modulo them. */
const SCRAMBLE = 1_000_003;
const COMPOUND_SUFFIXES = ['based', 'driven', 'like', 'style', 'aware', 'free', 'ready', 'first', 'scale'];
/** Zipf exponent of the tail (1.2: about 120k distinct terms at scale 1000, Heaps-like growth). */
const TAIL_EXPONENT = 1.2;
/**
 * The tail continues the English words' ranks: its most frequent word is about as common as
 * an English word of this rank (the source texts provide the first ~1,000 ranks).
 */
const TAIL_START = 300;

class Tail {
  readonly #salt: number;
  readonly #cache = new Map<number, string>();
  /** Number of synthetic words; grows with the corpus (Heaps' law). */
  readonly size: number;

  constructor(seed: number, scale: number) {
    this.#salt = mix(seed, 0x7a11);
    this.size = Math.round(Math.min(SPACE3, 30_000 + 60_000 * Math.sqrt(scale)));
  }

  /** The synthetic word of a rank (1 = most frequent). Distinct ranks give distinct words. */
  word(rank: number): string {
    const cached = this.#cache.get(rank);
    if (cached !== undefined) return cached;
    const long = rank > SHORT_RANKS;
    const space = long ? SPACE3 : SPACE2;
    let i = ((long ? rank - SHORT_RANKS : rank) * SCRAMBLE + this.#salt) % space;
    const coda = CODAS[i % CODAS.length] ?? '';
    i = Math.floor(i / CODAS.length);
    let w = '';
    for (let k = long ? 3 : 2; k > 0; k--) {
      const syl = i % SYLLABLES;
      i = Math.floor(i / SYLLABLES);
      w += (ONSETS[Math.floor(syl / VOWELS.length)] ?? '') + (VOWELS[syl % VOWELS.length] ?? '');
    }
    w += coda;
    const h = mix(rank, this.#salt) % 100;
    if (h < 12)
      w = w.charAt(0).toUpperCase() + w.slice(1); // a name
    else if (h < 15) w += `-${COMPOUND_SUFFIXES[mix(rank, h) % COMPOUND_SUFFIXES.length] ?? 'based'}`;
    if (this.#cache.size < 200_000) this.#cache.set(rank, w);
    return w;
  }

  /** A Zipf-distributed rank in [lo, size] (continuous power-law inverse CDF). */
  rank(rng: Rng, lo = TAIL_START): number {
    const a = 1 - TAIL_EXPONENT;
    const lowA = lo ** a;
    const x = (lowA + rng.float() * (this.size ** a - lowA)) ** (1 / a);
    return Math.min(this.size, Math.max(lo, Math.floor(x)));
  }
}

// ---------------------------------------------------------------------------------------------
// Text pieces

/** Shares of word slots: article topic words, folder topic words, the synthetic tail. */
const P_TOPIC = 0.035;
const P_FOLDER = 0.008;
const P_TAIL = 0.1;
/** Chance of following the bigram model rather than drawing a fresh unigram. */
const P_BIGRAM = 0.8;
// prettier-ignore
const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
const MINOR_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);
const TITLE_TEMPLATES = [
  'The Rise of {A} {B}',
  'Why {A} {B} Is Thriving',
  '{A} {B}: A Brief Overview',
  'How {A} Shapes {B} {C}',
  '{A} and {B} in {C}',
  'Understanding {A} {B}',
  'A Guide to {A} {B}',
  'The Future of {A} {B}',
  '{A} {B} {C}',
  'What {A} Means for {B}',
];
const HEADING_TEMPLATES = [
  '{A} {B}',
  '{A} and {B}',
  'How {A} {B} Works',
  'What Is {A} {B}?',
  'The Role of {A}',
  '{A} {B} {C}',
  'Why {A} Matters',
  'Challenges of {A} {B}',
  '{A} in Practice',
  'Looking Ahead',
];

function capitalize(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function titleCase(w: string): string {
  return w
    .split('-')
    .map((part) => capitalize(part))
    .join('-');
}

interface Topics {
  /** Tail ranks of the article's topic words, most prominent first. */
  article: number[];
  folder: number[];
}

class Writer {
  constructor(
    readonly model: WordModel,
    readonly tail: Tail,
    readonly rng: Rng,
    readonly topics: Topics,
  ) {}

  topicWord(): string {
    const t = this.topics.article;
    // Zipf within the article: the first topic word recurs most.
    const i = Math.min(t.length - 1, Math.floor((t.length + 1) ** this.rng.float()) - 1);
    return this.tail.word(t[Math.max(0, i)] ?? 1);
  }

  /** One sentence of `length` words (commas not counted), without its final punctuation. */
  sentenceBody(length: number): string {
    const { model, rng } = this;
    const out: string[] = [];
    let prev = -1;
    let lastComma = false;
    while (out.length < length) {
      const u = rng.float();
      if (u < P_TOPIC) {
        out.push(this.topicWord());
        prev = -2;
      } else if (u < P_TOPIC + P_FOLDER && this.topics.folder.length > 0) {
        out.push(this.tail.word(rng.pick(this.topics.folder)));
        prev = -2;
      } else if (u < P_TOPIC + P_FOLDER + P_TAIL) {
        out.push(this.tail.word(this.tail.rank(rng)));
        prev = -2;
      } else {
        const succ = prev === -1 ? model.starts : prev >= 0 ? model.next[prev] : undefined;
        const id = succ && succ.length > 0 && rng.chance(P_BIGRAM) ? rng.pick(succ) : rng.pick(model.stream);
        if (id === COMMA) {
          if (out.length > 0 && !lastComma && out.length < length - 1) {
            out[out.length - 1] += ',';
            lastComma = true;
          }
          prev = COMMA;
          continue;
        }
        out.push(model.forms[id] ?? '');
        prev = id;
      }
      lastComma = false;
    }
    const last = out.length - 1;
    out[last] = (out[last] ?? '').replace(/,$/u, '');
    out[0] = capitalize(out[0] ?? '');
    return out.join(' ');
  }

  sentenceLength(): number {
    // 8–30 words, most around 15–20 (a triangular-ish distribution).
    return 8 + Math.floor(((this.rng.float() + this.rng.float()) / 2) * 23);
  }

  sentence(): string {
    return `${this.sentenceBody(this.sentenceLength())}.`;
  }

  paragraph(): string {
    const n = 2 + Math.floor(((this.rng.float() + this.rng.float()) / 2) * 7);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(this.sentence());
    return parts.join(' ');
  }

  leadIn(): string {
    return `${this.sentenceBody(this.rng.int(6, 14))}:`;
  }

  /** A content word for a heading: a topic word now and then, else a real one. */
  headingWord(): string {
    const { rng } = this;
    if (rng.chance(0.3)) return titleCase(this.topicWord());
    if (rng.chance(0.1)) return titleCase(this.tail.word(this.tail.rank(rng)));
    return titleCase(this.model.forms[rng.pick(this.model.content)] ?? 'Notes');
  }

  fill(template: string): string {
    const used = new Set(template.split(' '));
    const filled = template.replace(/\{[ABC]\}/gu, () => {
      let word = this.headingWord();
      for (let k = 0; k < 5 && used.has(word); k++) word = this.headingWord();
      used.add(word);
      return word;
    });
    const words = filled.split(' ');
    return words
      .map((w, i) =>
        i > 0 && !words[i - 1]?.endsWith(':') && MINOR_WORDS.has(w.toLowerCase()) ? w.toLowerCase() : w,
      )
      .join(' ');
  }

  title(): string {
    const t = this.rng.pick(TITLE_TEMPLATES).replace('{A}', titleCase(this.topicWord()));
    return this.fill(t);
  }

  heading(): string {
    return this.fill(this.rng.pick(HEADING_TEMPLATES));
  }

  shortHeading(): string {
    return this.fill(this.rng.pick(['{A} {B}', '{A} and {B}', '{A}', 'The {A} {B}', '{A} {B} {C}']));
  }

  item(): string {
    const { rng } = this;
    const label = [this.headingWord()];
    while (label.length < 4 && rng.chance(0.4)) label.push(this.headingWord());
    const r = rng.float();
    if (r < 0.55) return `${label.join(' ')}: ${this.sentence()}`;
    if (r < 0.75) return `${label.join(' ')} – ${this.sentence()}`;
    return this.sentence();
  }

  date(iso: boolean): string {
    const { rng } = this;
    const y = rng.int(2015, 2025);
    const m = rng.int(1, 12);
    const d = rng.int(1, 28);
    if (iso) return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const month = MONTH_NAMES[m - 1] ?? 'July';
    return rng.chance(0.75) ? `${d} ${month} ${y}` : `${month} ${d}, ${y}`;
  }
}

/** Breaks a paragraph into lines of about `width` characters, only before lower-case words. */
function hardWrap(text: string, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const prevEndsSentence = /[.!?…:;]["”’)\]]?$/u.test(line);
    if (line.length >= width && /^\p{Ll}/u.test(w) && !prevEndsSentence) {
      lines.push(line);
      line = w;
    } else {
      line = line ? `${line} ${w}` : w;
    }
  }
  lines.push(line);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Articles

type Block =
  | { t: 'para'; text: string; wrap: number }
  | { t: 'heading'; level: 2 | 3; text: string; number?: number }
  | { t: 'lead'; text: string }
  | { t: 'item'; text: string; number?: number };

interface Article {
  title: string;
  markdown: boolean;
  text: string;
}

function buildArticle(w: Writer, target: number): Article {
  const { rng } = w;
  const markdown = rng.chance(0.25);
  const title = w.title();
  const blocks: Block[] = [];
  let size = title.length + 40;
  const add = (b: Block) => {
    blocks.push(b);
    size += b.text.length + 4;
  };
  const wrapChance = markdown ? 0.15 : 0.04;
  const para = () =>
    add({ t: 'para', text: w.paragraph(), wrap: rng.chance(wrapChance) ? rng.int(60, 90) : 0 });
  const list = () => {
    add({ t: 'lead', text: w.leadIn() });
    const numbered = rng.chance(0.2);
    const n = rng.int(2, 5);
    for (let k = 1; k <= n; k++) add({ t: 'item', text: w.item(), ...(numbered ? { number: k } : {}) });
  };

  if (rng.chance(0.6)) para();
  const sections = Math.max(2, Math.min(8, Math.round(target / 2400) + rng.int(-1, 1)));
  for (let s = 0; s < sections; s++) {
    const budget = (target - size) / (sections - s);
    const start = size;
    add({ t: 'heading', level: 2, text: w.heading() });
    const withList = rng.chance(0.3);
    if (rng.chance(0.25) && budget > 1500) {
      // Numbered sub-headings, each with a paragraph or two.
      if (rng.chance(0.6)) para();
      const subs = rng.int(2, 4);
      for (let k = 1; k <= subs; k++) {
        add({ t: 'heading', level: 3, text: w.shortHeading(), number: k });
        para();
        if (size - start < (budget * k) / subs) para();
        if (withList && k === 1) list();
      }
      continue;
    }
    let paragraphs = 0;
    do {
      para();
      paragraphs++;
      if (withList && paragraphs === 1) list();
    } while (paragraphs < 6 && size - start < budget);
  }
  return { title, markdown, text: markdown ? toMarkdown(w, title, blocks) : toPlainText(w, title, blocks) };
}

function toPlainText(w: Writer, title: string, blocks: Block[]): string {
  const { rng } = w;
  // Layouts seen in real files: no blank lines, blank lines before headings, or between all blocks.
  const layout = rng.pick(['dense', 'headings', 'blocks'] as const);
  const lines: string[] = [];
  if (rng.chance(0.45)) lines.push(w.date(false));
  lines.push(title);
  let prev: Block['t'] | undefined;
  for (const b of blocks) {
    const blank =
      layout === 'blocks'
        ? !(b.t === 'item' && prev === 'item') && !(b.t === 'item' && prev === 'lead')
        : layout === 'headings' && b.t === 'heading';
    if (blank) lines.push('');
    if (b.t === 'heading') lines.push(b.number !== undefined ? `${b.number}. ${b.text}` : b.text);
    else if (b.t === 'item') lines.push(b.number !== undefined ? `${b.number}. ${b.text}` : `- ${b.text}`);
    else if (b.t === 'para' && b.wrap > 0) lines.push(...hardWrap(b.text, b.wrap));
    else lines.push(b.text);
    prev = b.t;
  }
  return `${lines.join('\n')}\n`;
}

function toMarkdown(w: Writer, title: string, blocks: Block[]): string {
  const { rng } = w;
  const front = ['---', `title: ${title}`, `date: ${w.date(true)}`];
  if (rng.chance(0.5)) front.push(`author: ${titleCase(w.topicWord())} ${titleCase(w.headingWord())}`);
  front.push('---', '');
  const lines = front;
  if (rng.chance(0.8)) lines.push(`# ${title}`, '');
  const numbered = rng.chance(0.5);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i] as Block;
    if (b.t === 'heading') {
      const text = b.level === 3 && numbered && b.number !== undefined ? `${b.number}. ${b.text}` : b.text;
      lines.push(`${'#'.repeat(b.level)} ${text}`);
    } else if (b.t === 'item') {
      lines.push(b.number !== undefined ? `${b.number}. ${b.text}` : `- ${b.text}`);
    } else if (b.t === 'para' && b.wrap > 0) {
      lines.push(...hardWrap(b.text, b.wrap));
    } else {
      lines.push(b.text);
    }
    const next = blocks[i + 1];
    if (!(b.t === 'item' && next?.t === 'item')) lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function slug(title: string): string {
  const words = normalizeWord(title)
    .replace(/[^a-z0-9\s-]+/gu, ' ')
    .split(/[\s-]+/u)
    .filter(Boolean)
    .slice(0, 7);
  return words.join('-').slice(0, 60).replace(/-+$/u, '') || 'article';
}

const MIN_ARTICLE = 2_000;
const MAX_ARTICLE = 20_000;

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Generates a corpus of about `scale` × the size of the source texts. Pure and deterministic. */
export function generateCorpus(opts: GenerateOptions): GeneratedCorpus {
  const { scale, sourceTexts } = opts;
  const seed = (opts.seed ?? DEFAULT_SEED) >>> 0;
  if (!Number.isFinite(scale) || scale <= 0)
    throw new RangeError(`scale must be a positive number: ${scale}`);
  const model = buildWordModel(sourceTexts);
  const target = Math.round(scale * sourceTexts.reduce((n, t) => n + utf8Bytes(t), 0));
  const tail = new Tail(seed, scale);
  const rng = new Rng(mix(seed, 1));

  const expectedArticles = Math.max(1, target / 8_000);
  const folders = Math.max(2, Math.min(40, Math.round(2 + Math.sqrt(expectedArticles) / 2)));
  const folderTopics = Array.from({ length: folders }, () =>
    Array.from({ length: rng.int(1, 3) }, () => tail.rank(rng, 50)),
  );

  const files: GeneratedFile[] = [];
  const names = new Set<string>();
  let bytes = 0;
  for (let n = 0; target - bytes >= 1_000; n++) {
    const remaining = target - bytes;
    let size = rng.logUniform(MIN_ARTICLE, MAX_ARTICLE);
    if (remaining < size + MIN_ARTICLE)
      size = remaining <= MAX_ARTICLE + MIN_ARTICLE ? remaining : remaining / 2;
    const folder = rng.int(0, folders - 1);
    const articleRng = new Rng(mix(seed, 2, n));
    const topics: Topics = {
      article: Array.from({ length: articleRng.int(3, 6) }, () => tail.rank(articleRng, 100)),
      folder: folderTopics[folder] ?? [],
    };
    const article = buildArticle(new Writer(model, tail, articleRng, topics), size);
    const dir = `topic-${String(folder + 1).padStart(2, '0')}`;
    const ext = article.markdown ? 'md' : 'txt';
    const base = `${dir}/${slug(article.title)}`;
    let name = `${base}.${ext}`;
    for (let k = 2; names.has(name); k++) name = `${base}-${k}.${ext}`;
    names.add(name);
    files.push({ name, text: article.text });
    bytes += utf8Bytes(article.text);
  }
  return { files, bytes };
}

// ---------------------------------------------------------------------------------------------
// Questions

const QUESTION_RE = /[\p{L}\p{N}]+(?:['’&.-][\p{L}\p{N}]+)*/gu;
const SENTENCE_TEMPLATES = [
  'What about {}?',
  'What does it say about {}?',
  'Tell me about {}',
  'Why {}?',
  'How does {} work?',
  'Is it true that {}?',
];

interface WordStat {
  form: string;
  count: number;
  /** Number of sampled files containing the word. */
  files: number;
}

function wordCounts(text: string): Map<string, { form: string; count: number }> {
  const counts = new Map<string, { form: string; count: number }>();
  for (const m of text.matchAll(QUESTION_RE)) {
    const key = normalizeWord(m[0]);
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { form: m[0], count: 1 });
  }
  return counts;
}

/** Body lines of a file that hold sentences: paragraphs and list items, markers and labels removed. */
function sentenceLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    if (raw.length < 40 || !raw.endsWith('.') || /^(?:title|date|author):/u.test(raw)) continue;
    out.push(raw.replace(/^(?:- |\d{1,3}\. )/u, '').replace(/^[^:.–]{1,60}(?::| –) (?=\S)/u, ''));
  }
  return out;
}

/**
 * A fixed question set for latency measurement: 60% sentence-like questions from the corpus's
 * own sentences (some words swapped for other corpus words), 30% keyword queries of 1–3 rare
 * topic or mid-frequency words, 10% queries of the commonest non-stop words. Deterministic.
 */
export function generateQuestions(opts: {
  files: readonly GeneratedFile[];
  count: number;
  seed?: number;
}): BenchQuestion[] {
  const { files, count } = opts;
  const rng = new Rng(mix((opts.seed ?? DEFAULT_SEED) >>> 0, 0x51));
  if (files.length === 0 || count <= 0) return [];

  // Word statistics over an evenly spread sample of at most 400 files.
  const step = Math.max(1, Math.floor(files.length / 400));
  const stats = new Map<string, WordStat>();
  let sampled = 0;
  for (let i = 0; i < files.length; i += step) {
    sampled++;
    for (const [key, c] of wordCounts(files[i]?.text ?? '')) {
      const s = stats.get(key);
      if (s) {
        s.count += c.count;
        s.files++;
      } else stats.set(key, { form: c.form, count: c.count, files: 1 });
    }
  }
  const ranked = [...stats.entries()]
    .filter(([key]) => isContentWord(key))
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .map(([key, s]) => ({ key, ...s }));
  if (ranked.length === 0) return [];
  const head = ranked.slice(0, 15);
  const midFrom = Math.min(30, Math.floor(ranked.length * 0.05));
  const mid = ranked.slice(midFrom, Math.max(midFrom + 1, Math.min(2_000, Math.floor(ranked.length * 0.5))));
  const lower = (form: string) => (/^\p{Lu}[\p{Ll}'’-]*$/u.test(form) ? form.toLowerCase() : form);

  /** Words that recur in one file but are rare across the sample: its topic words. */
  const topicWords = (text: string): string[] => {
    const local = [...wordCounts(text).entries()]
      .filter(
        ([key, c]) => c.count >= 2 && isContentWord(key) && (stats.get(key)?.files ?? 0) <= sampled * 0.05,
      )
      .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
    return local.slice(0, 8).map(([, c]) => c.form);
  };

  const sentenceQuestion = (): string => {
    for (let attempt = 0; ; attempt++) {
      const lines = sentenceLines(rng.pick(files).text);
      if (lines.length === 0) {
        if (attempt > 50) return lower(rng.pick(mid).form);
        continue;
      }
      const sentences = rng.pick(lines).split(/(?<=\.) (?=\p{Lu})/u);
      const words = [...rng.pick(sentences).matchAll(QUESTION_RE)].map((m) => m[0]);
      const len = Math.min(words.length, rng.int(5, 10));
      const from = rng.int(0, words.length - len);
      const picked = words.slice(from, from + len);
      if (picked.length < 5 && attempt < 20) continue;
      if (!picked.some((x) => isContentWord(x)) && attempt < 20) continue;
      let swaps = Math.floor(picked.length / 3);
      const q = picked.map((x, i) => {
        if (swaps > 0 && rng.chance(0.25)) {
          swaps--;
          return lower(rng.pick(mid).form);
        }
        return i === 0 ? lower(x) : x;
      });
      return rng.pick(SENTENCE_TEMPLATES).replace('{}', q.join(' '));
    }
  };

  const keywordQuestion = (): string => {
    const topics = topicWords(rng.pick(files).text);
    const n = rng.int(1, 3);
    const words: string[] = [];
    for (let k = 0; k < n; k++) {
      const w = topics.length > 0 && (k === 0 || rng.chance(0.4)) ? rng.pick(topics) : rng.pick(mid).form;
      words.push(lower(w));
    }
    return [...new Set(words)].join(' ');
  };

  const headQuestion = (): string => {
    const a = rng.pick(head).form;
    const b = rng.chance(0.5) ? rng.pick(head).form : a;
    return [...new Set([lower(a), lower(b)])].join(' ');
  };

  const sentences = Math.round(count * 0.6);
  const keywords = Math.round(count * 0.3);
  const kinds: QuestionKind[] = [
    ...Array<QuestionKind>(sentences).fill('sentence'),
    ...Array<QuestionKind>(keywords).fill('keyword'),
    ...Array<QuestionKind>(Math.max(0, count - sentences - keywords)).fill('head'),
  ];
  rng.shuffle(kinds);
  return kinds.map((kind) => ({
    kind,
    q: kind === 'sentence' ? sentenceQuestion() : kind === 'keyword' ? keywordQuestion() : headQuestion(),
  }));
}
