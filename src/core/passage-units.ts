/**
 * The semantic stage's units: what of a passage gets a sentence vector, and how the vectors
 * are kept. Every passage has its own text as a unit, then each of its sentences (a long
 * sentence cut into overlapping word windows), then its heading path ("title › section").
 * Texts are embedded once each (heading paths repeat across passages); the vectors live in
 * one flat array of unit-length rows, which units point to.
 */
import type { Passage } from './types.js';
import { drain } from './steps.js';

export { drain, paced } from './steps.js';

/** What a unit is. */
export const UNIT_PASSAGE = 0;
export const UNIT_SENTENCE = 1;
export const UNIT_HEADING = 2;
export type UnitKind = typeof UNIT_PASSAGE | typeof UNIT_SENTENCE | typeof UNIT_HEADING;

/** A sentence longer than this many words is cut into windows of this many words… */
export const WINDOW_WORDS = 40;
/** …starting this many words apart (so neighbouring windows overlap). */
export const WINDOW_STEP = 30;
/** Sentences with fewer words than this are too short to mean much on their own. */
export const MIN_SENTENCE_WORDS = 3;

/** Separator of a heading path's parts, as origin labels show it. */
export const HEADING_SEPARATOR = ' › ';

export interface Sentence {
  start: number;
  end: number;
}

const SENTENCE_END_RE = /[.!?…]+["”’)\]]*\s+(?=["“‘([]?[\p{Lu}\p{N}])/gu;

/** Splits text into sentences at . ! ? … followed by a space and a capital, digit or quote. */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = SENTENCE_END_RE;
  re.lastIndex = 0;
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const idx = m.index;
    const endPunct = idx + m[0].trimEnd().length;
    // Skip common abbreviations ("e.g. Google", "Dr. Smith").
    const before = text.slice(Math.max(0, idx - 4), idx + 1).toLowerCase();
    if (/(?:\be\.g|\bi\.e|\bdr|\bmr|\bmrs|\bvs|\bst)\.$/u.test(before)) continue;
    out.push({ start, end: endPunct });
    start = idx + m[0].length;
  }
  if (start < text.length) out.push({ start, end: text.length });
  return out;
}

/** A passage's heading path: its title, then its section when that differs. */
export function headingPath(passage: Passage): string {
  const { title, section } = passage.origin;
  return section && section !== title ? `${title}${HEADING_SEPARATOR}${section}` : title;
}

/** One unit of a passage: its kind and the text embedded for it. */
export interface Unit {
  kind: UnitKind;
  text: string;
}

/** A sentence's pieces: itself, or overlapping windows of WINDOW_WORDS words when it is longer. */
function windowsOf(sentence: string): string[] {
  const words = sentence.split(/\s+/u).filter(Boolean);
  if (words.length <= WINDOW_WORDS) return [words.join(' ')];
  const out: string[] = [];
  for (let i = 0; ; i += WINDOW_STEP) {
    const end = Math.min(words.length, i + WINDOW_WORDS);
    // The last window is full length, ending at the sentence's end.
    out.push(words.slice(Math.max(0, end - WINDOW_WORDS), end).join(' '));
    if (end === words.length) break;
  }
  return out;
}

/**
 * The units of a passage, in order: the passage, its sentences (or windows), its heading
 * path. A passage that is a single short sentence has no sentence units (its own vector is
 * that sentence's); an empty heading path has no heading unit.
 */
export function unitsOf(passage: Passage): Unit[] {
  const text = passage.text;
  const units: Unit[] = [{ kind: UNIT_PASSAGE, text }];
  const pieces: string[] = [];
  for (const s of sentencesOf(text)) {
    const sentence = text.slice(s.start, s.end).trim();
    if (sentence.split(/\s+/u).filter(Boolean).length < MIN_SENTENCE_WORDS) continue;
    pieces.push(...windowsOf(sentence));
  }
  const whole = text.trim().split(/\s+/u).join(' ');
  if (!(pieces.length === 1 && pieces[0] === whole)) {
    for (const p of pieces) units.push({ kind: UNIT_SENTENCE, text: p });
  }
  const heading = headingPath(passage).trim();
  if (heading) units.push({ kind: UNIT_HEADING, text: heading });
  return units;
}

/** What to embed for a set of passages: the distinct texts, and each unit's kind and text. */
export interface UnitPlan {
  /** Distinct texts to embed, in first-seen order. */
  texts: string[];
  /** Units of passage p are [start[p], start[p + 1]). */
  start: Uint32Array;
  kind: Uint8Array;
  /** Per unit: its text's position in `texts` (and its vector's row). */
  row: Uint32Array;
}

/** Passages planned, or unit rows × 8 normalised, between two yields of the stepped forms below. */
export const UNIT_STEP = 250;

/** Lists the units of every passage and the distinct texts to embed for them. */
export function planUnits(passages: readonly Passage[]): UnitPlan {
  return drain(planSteps(passages));
}

/** planUnits, yielding after every `every` passages. */
export function* planSteps(passages: readonly Passage[], every = UNIT_STEP): Generator<void, UnitPlan> {
  const texts: string[] = [];
  const rows = new Map<string, number>();
  const kinds: number[] = [];
  const unitRows: number[] = [];
  const start = new Uint32Array(passages.length + 1);
  for (let i = 0; i < passages.length; i++) {
    start[i] = kinds.length;
    for (const u of unitsOf(passages[i] as Passage)) {
      let r = rows.get(u.text);
      if (r === undefined) {
        r = texts.length;
        texts.push(u.text);
        rows.set(u.text, r);
      }
      kinds.push(u.kind);
      unitRows.push(r);
    }
    if (i % every === every - 1) yield;
  }
  start[passages.length] = kinds.length;
  return { texts, start, kind: Uint8Array.from(kinds), row: Uint32Array.from(unitRows) };
}

/** Unit vectors of every passage: a plan's layout with one unit-length row per text. */
export interface UnitVectors {
  dim: number;
  /** rows × dim, row-major; every row has length 1 (or is all zeros when its text had no vector). */
  data: Float32Array;
  start: Uint32Array;
  kind: Uint8Array;
  row: Uint32Array;
}

/** Normalises `vectors` (one per plan text) into a plan's flat rows. */
export function unitVectors(plan: UnitPlan, vectors: readonly Float32Array[]): UnitVectors {
  return drain(unitVectorSteps(plan, vectors));
}

/** unitVectors, yielding after every `every` × 8 rows. */
export function* unitVectorSteps(
  plan: UnitPlan,
  vectors: readonly Float32Array[],
  every = UNIT_STEP,
): Generator<void, UnitVectors> {
  if (vectors.length !== plan.texts.length) {
    throw new Error(`${vectors.length} vectors for ${plan.texts.length} unit texts`);
  }
  const dim = vectors.reduce((d, v) => Math.max(d, v.length), 0);
  const data = new Float32Array(vectors.length * dim);
  const rowsPerStep = every * 8;
  for (let r = 0; r < vectors.length; r++) {
    const v = vectors[r] as Float32Array;
    if (v.length === dim) {
      let n = 0;
      for (let i = 0; i < dim; i++) n += (v[i] as number) ** 2;
      const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
      for (let i = 0; i < dim; i++) data[r * dim + i] = (v[i] as number) * inv;
    }
    if (r % rowsPerStep === rowsPerStep - 1) yield;
  }
  return { dim, data, start: plan.start, kind: plan.kind, row: plan.row };
}

/** One passage unit per passage (vectors given per passage, as before sentence units). */
export function passageOnlyUnits(vectors: readonly Float32Array[]): UnitVectors {
  const n = vectors.length;
  return unitVectors(
    {
      texts: Array.from({ length: n }, () => ''),
      start: Uint32Array.from({ length: n + 1 }, (_, i) => i),
      kind: new Uint8Array(n),
      row: Uint32Array.from({ length: n }, (_, i) => i),
    },
    vectors,
  );
}

/** Checks that unit vectors fit `passages` passages; throws naming the mismatch. */
export function checkUnits(units: UnitVectors, passages: number): void {
  const rows = units.dim > 0 ? units.data.length / units.dim : 0;
  if (units.start.length !== passages + 1) {
    throw new Error(`unit vectors for ${units.start.length - 1} passages, not ${passages}`);
  }
  if (units.kind.length !== units.row.length || units.start[passages] !== units.kind.length) {
    throw new Error('unit vectors: unit counts disagree');
  }
  for (let u = 0; u < units.row.length; u++) {
    if ((units.row[u] as number) >= rows && units.dim > 0)
      throw new Error(`unit ${u} points past the vectors`);
  }
}

/** The row of the passage unit of passage p (its own text's vector), or -1. */
export function passageRow(units: UnitVectors, p: number): number {
  const s = units.start[p];
  const e = units.start[p + 1];
  if (s === undefined || e === undefined) return -1;
  for (let u = s; u < e; u++) if (units.kind[u] === UNIT_PASSAGE) return units.row[u] as number;
  return -1;
}

/** A snapshot's vectors from its units: each passage's own vector is a view of its row. */
export function vectorsFromUnits(
  model: string,
  units: UnitVectors,
  passages: number,
): { model: string; vectors: Float32Array[]; units: UnitVectors } {
  checkUnits(units, passages);
  return { model, vectors: passageVectorsOf(units, passages), units };
}

/** Each passage's own vector, as views of its unit rows (an empty vector when it has none). */
export function passageVectorsOf(units: UnitVectors, passages: number): Float32Array[] {
  return Array.from({ length: passages }, (_, p) => {
    const r = passageRow(units, p);
    return r >= 0 ? units.data.subarray(r * units.dim, (r + 1) * units.dim) : new Float32Array(0);
  });
}

/**
 * The cosine of the question with every stored row (rows are unit length, so a dot product
 * over the question's normalised vector). The one per-question scan over the vectors: a faster
 * vector search can replace it.
 */
export function rowSimilarities(units: UnitVectors, query: Float32Array): Float32Array {
  const { dim, data } = units;
  const rows = dim > 0 ? data.length / dim : 0;
  const out = new Float32Array(rows);
  if (query.length !== dim || dim === 0) return out;
  let n = 0;
  for (let i = 0; i < dim; i++) n += (query[i] as number) ** 2;
  if (n === 0) return out;
  const inv = 1 / Math.sqrt(n);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    const o = r * dim;
    for (let i = 0; i < dim; i++) dot += (data[o + i] as number) * (query[i] as number);
    out[r] = dot * inv;
  }
  return out;
}

/** A passage's semantic evidence: the similarity of its own text, its best sentence and its heading. */
export interface PassageSimilarity {
  passage: number;
  sentence: number;
  heading: number;
  /** The unit of its best sentence (or of the passage itself when it has no sentence units). */
  bestUnit: number;
}

/** Reads passage p's evidence from the row similarities (a missing sentence or heading counts as the passage's own). */
export function passageSimilarity(units: UnitVectors, sims: Float32Array, p: number): PassageSimilarity {
  return evidenceOf(units, p, (row) => sims[row] ?? 0);
}

/**
 * Passage p's evidence computed from its own rows only (`query` already unit length): what a
 * search over candidates uses instead of scanning every row.
 */
export function passageSimilarityTo(units: UnitVectors, query: Float32Array, p: number): PassageSimilarity {
  const { dim, data } = units;
  return evidenceOf(units, p, (row) => {
    if (query.length !== dim) return 0;
    return dotAt(data, row * dim, query);
  });
}

/** The dot product of `q` with the `q.length` values of `data` from `o` (four sums, for speed). */
function dotAt(data: Float32Array, o: number, q: Float32Array): number {
  const n = q.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (data[o + i] as number) * (q[i] as number);
    s1 += (data[o + i + 1] as number) * (q[i + 1] as number);
    s2 += (data[o + i + 2] as number) * (q[i + 2] as number);
    s3 += (data[o + i + 3] as number) * (q[i + 3] as number);
  }
  for (; i < n; i++) s0 += (data[o + i] as number) * (q[i] as number);
  return s0 + s1 + s2 + s3;
}

/** Passage p's evidence from the similarity of each of its rows (`similarity(row)`). */
function evidenceOf(units: UnitVectors, p: number, similarity: (row: number) => number): PassageSimilarity {
  const s = units.start[p] ?? 0;
  const e = units.start[p + 1] ?? s;
  let passage = 0;
  let passageUnit = -1;
  let sentence = -Infinity;
  let bestUnit = -1;
  let heading = Number.NaN;
  for (let u = s; u < e; u++) {
    const c = similarity(units.row[u] as number);
    const k = units.kind[u];
    if (k === UNIT_PASSAGE) {
      passage = c;
      passageUnit = u;
    } else if (k === UNIT_SENTENCE) {
      if (c > sentence) {
        sentence = c;
        bestUnit = u;
      }
    } else if (k === UNIT_HEADING) heading = c;
  }
  if (bestUnit < 0) {
    sentence = passage;
    bestUnit = passageUnit;
  }
  return { passage, sentence, heading: Number.isNaN(heading) ? passage : heading, bestUnit };
}

/**
 * Every unit text of `passages` with its vector from `units` (embedded for those passages):
 * what a re-embedding of changed passages can reuse. With `from` and `to`, only the units of
 * passages [from, to): units are planned passage by passage, so a slice's plan lists the same
 * units as the whole one, and a caller can go through a large snapshot a slice at a time. Empty
 * when `units` were not laid out by planUnits for these passages.
 */
export function knownUnitTexts(
  passages: readonly Passage[],
  units: UnitVectors,
  from = 0,
  to = passages.length,
): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  if (units.dim === 0) return out;
  const plan = planUnits(from === 0 && to === passages.length ? passages : passages.slice(from, to));
  const first = units.start[from] as number;
  // Units made another way (one per passage, see passageOnlyUnits) are not these texts' vectors.
  if (plan.row.length !== (units.start[to] as number) - first) return out;
  for (let u = 0; u < plan.row.length; u++) {
    const text = plan.texts[plan.row[u] as number] as string;
    const r = units.row[first + u] as number;
    if (!out.has(text)) out.set(text, units.data.subarray(r * units.dim, (r + 1) * units.dim));
  }
  return out;
}

/** `v` scaled to unit length (a zero vector stays zero). */
export function unitLength(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += (v[i] as number) ** 2;
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  return v.map((x) => x * inv);
}

/** knownUnitTexts of `passages`, `every` passages at a time: one map per slice, in order. */
export function* unitTextSlices(
  passages: readonly Passage[],
  units: UnitVectors,
  every = UNIT_STEP,
): Generator<Map<string, Float32Array>> {
  for (let at = 0; at < passages.length; at += every)
    yield knownUnitTexts(passages, units, at, Math.min(passages.length, at + every));
}

/** knownUnitTexts of all `passages`, one slice of `every` passages between two yields. */
export function* knownUnitTextSteps(
  passages: readonly Passage[],
  units: UnitVectors,
  every = UNIT_STEP,
): Generator<void, Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const slice of unitTextSlices(passages, units, every)) {
    for (const [text, v] of slice) if (!out.has(text)) out.set(text, v);
    yield;
  }
  return out;
}
