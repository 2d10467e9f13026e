/**
 * What citebot learned from picks: holds the current picks and their question vectors, and makes
 * the TeachingIndex an answer reads for one snapshot (anchors resolved there, each pick weighed,
 * picks of one question grouped). A snapshot's teaching is built once per load and kept while the
 * snapshot lives.
 */
import type { CorpusIndex } from '../core/corpus-index.js';
import {
  groupPicks,
  normaliseQuestion,
  pickWeights,
  strongPick,
  type WeighedPick,
} from '../core/pick-weights.js';
import {
  type AnalysedTerm,
  mixSimilarity,
  type TaughtQuestion,
  TEACHING,
  TeachingIndex,
  type TeachingSettings,
  termSimilarity,
  weightedTerms,
} from '../core/teaching.js';
import { cosine } from '../core/semantic-rank.js';
import type { Answer } from '../core/types.js';
import { type Embedder, embedPassages } from '../semantic/embedder.js';
import type { PickRecord, PickVector } from '../store/types.js';
import { AnchorResolver } from './anchor.js';

/** A pick as review lists it: taught now, waiting for agreement, its passage changed or gone, or undone. */
export type PickStatus = 'active' | 'pending' | 'set-aside' | 'undone';

export interface LearningOptions {
  /** Embeds the questions of picks (the model of the snapshots' passage vectors). */
  embedder?: Embedder;
  /** The model of the stored vectors to use (default: the embedder's). */
  model?: string;
  /** The clock, in ms since the epoch (fading is measured against it). */
  now?: () => number;
  /** Teaching settings (default: TEACHING). */
  settings?: Partial<TeachingSettings>;
}

/** One snapshot's teaching, for one load and one day (fading moves by the day). */
interface Built {
  generation: number;
  day: number;
  teaching: TeachingIndex | undefined;
  weights: Map<number, number>;
  setAside: Set<number>;
}

const DAY_MS = 86_400_000;

/** The picks citebot learns from, and what they teach in each snapshot. */
export class Learning {
  readonly #embedder: Embedder | undefined;
  readonly #model: string | undefined;
  readonly #now: () => number;
  readonly #settings: Readonly<TeachingSettings>;
  #picks: readonly PickRecord[] = [];
  #vectors = new Map<number, Float32Array>();
  #generation = 0;
  readonly #resolvers = new WeakMap<CorpusIndex, AnchorResolver>();
  readonly #built = new WeakMap<CorpusIndex, Built>();

  constructor(options: LearningOptions = {}) {
    this.#embedder = options.embedder;
    this.#model = options.model ?? options.embedder?.model;
    this.#now = options.now ?? Date.now;
    this.#settings = Object.freeze({ ...TEACHING, ...options.settings });
  }

  /** The model whose question vectors are used (undefined: terms only). */
  get model(): string | undefined {
    return this.#model;
  }

  /** Grows by one on every change of what is held (a load, new vectors). */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Holds these picks (undone ones too, for their status) and the stored vectors of this model,
   * then embeds the questions of live picks that have none; returns the new vectors, for the
   * caller to save. The picks teach by their terms at once; their vectors join when made. A
   * failed embedding rejects, and the picks keep teaching by terms.
   */
  async load(picks: readonly PickRecord[], vectors: readonly PickVector[]): Promise<PickVector[]> {
    this.#picks = [...picks];
    const known = new Map<number, Float32Array>();
    for (const v of vectors)
      if (v.model === this.#model && v.vector.length > 0) known.set(v.pickId, v.vector);
    this.#vectors = known;
    this.#generation++;
    const embedder = this.#embedder;
    if (!embedder || embedder.model !== this.#model) return [];
    const missing = picks.filter((p) => p.undoneAt === undefined && !known.has(p.id));
    if (missing.length === 0) return [];
    // One vector per normalised question.
    const textOf = new Map<string, string>();
    for (const p of missing) {
      const key = normaliseQuestion(p.question);
      if (!textOf.has(key)) textOf.set(key, p.question.trim());
    }
    const keys = [...textOf.keys()];
    const made = await embedPassages(
      embedder,
      keys.map((k) => textOf.get(k) as string),
    );
    const byKey = new Map(keys.map((k, i) => [k, made[i] as Float32Array]));
    const fresh: PickVector[] = [];
    for (const p of missing) {
      const vector = byKey.get(normaliseQuestion(p.question));
      if (!vector || vector.length === 0) continue;
      this.#vectors.set(p.id, vector);
      fresh.push({ pickId: p.id, model: embedder.model, vector });
    }
    this.#generation++;
    return fresh;
  }

  #resolver(index: CorpusIndex): AnchorResolver {
    let r = this.#resolvers.get(index);
    if (!r) this.#resolvers.set(index, (r = new AnchorResolver(index)));
    return r;
  }

  /** The passages a pick names in this snapshot, or undefined when it is set aside there. */
  #passagesOf(index: CorpusIndex, pick: PickRecord): number[] | undefined {
    const resolver = this.#resolver(index);
    const ids = pick.anchors.flatMap((a) => {
      const p = resolver.resolve(a);
      return p ? [p.id] : [];
    });
    if (pick.verdict === 'answer') return ids.length === 1 && pick.anchors.length === 1 ? ids : undefined;
    return pick.anchors.length > 0 && ids.length === 0 ? undefined : ids;
  }

  #build(index: CorpusIndex): Built {
    const day = Math.floor(this.#now() / DAY_MS);
    const cached = this.#built.get(index);
    if (cached && cached.generation === this.#generation && cached.day === day) return cached;
    const settings = this.#settings;
    // Vectors of another model than the snapshot's would be compared with a question vector of its model.
    const vectorsFit = index.vectors === undefined || index.vectors.model === this.#model;
    const setAside = new Set<number>();
    const passages = new Map<number, number[]>();
    const live: PickRecord[] = [];
    for (const p of this.#picks) {
      if (p.undoneAt !== undefined) continue;
      const ids = this.#passagesOf(index, p);
      if (!ids) setAside.add(p.id);
      else {
        passages.set(p.id, ids);
        live.push(p);
      }
    }
    const termsByQuestion = new Map<string, AnalysedTerm[]>();
    const termsOf = (p: PickRecord) => {
      const key = normaliseQuestion(p.question);
      let t = termsByQuestion.get(key);
      if (!t) termsByQuestion.set(key, (t = index.analyze(p.question)));
      return t;
    };
    const weighted = new Map<number, Map<string, number>>();
    const weightedOf = (p: WeighedPick) => {
      let w = weighted.get(p.id);
      if (!w) weighted.set(p.id, (w = weightedTerms(index, termsOf(p as PickRecord))));
      return w;
    };
    const vectorOf = (id: number) => (vectorsFit ? this.#vectors.get(id) : undefined);
    // Two users agree on questions this close (the threshold at which a taught question moves passages).
    const close = (a: WeighedPick, b: WeighedPick) => {
      const va = vectorOf(a.id);
      const vb = vectorOf(b.id);
      const both = va !== undefined && vb !== undefined && va.length === vb.length;
      const s = mixSimilarity(
        termSimilarity(weightedOf(a), weightedOf(b)),
        both ? cosine(va, vb) : undefined,
        settings,
      );
      return s >= settings.minSimilarity[both ? 'vectors' : 'terms'];
    };
    const weights = pickWeights(live, this.#now(), close);
    const taught: TaughtQuestion[] = groupPicks(live, weights).map((g) => {
      const first = g.picks[0] as PickRecord;
      const vector = g.picks.map((p) => vectorOf(p.id)).find((v) => v !== undefined);
      return {
        pickIds: g.picks.map((p) => p.id),
        question: first.question,
        terms: termsOf(first),
        ...(vector ? { vector } : {}),
        verdict: first.verdict,
        passageIds: passages.get(first.id) ?? [],
        weight: g.weight,
        moderator: g.moderator,
      };
    });
    const built: Built = {
      generation: this.#generation,
      day,
      teaching: taught.length ? new TeachingIndex(index, taught, settings) : undefined,
      weights,
      setAside,
    };
    this.#built.set(index, built);
    return built;
  }

  /** What is taught in this snapshot (for `AnswerOptions.teaching`), or undefined when nothing is. */
  teachingFor(index: CorpusIndex): TeachingIndex | undefined {
    if (this.#picks.length === 0) return undefined;
    return this.#build(index).teaching;
  }

  /**
   * A pick's status in this snapshot. A pick not among those loaded is judged alone: active when a
   * moderator made or confirmed it, else pending.
   */
  status(index: CorpusIndex, pick: PickRecord): PickStatus {
    if (pick.undoneAt !== undefined) return 'undone';
    const built = this.#build(index);
    if (built.setAside.has(pick.id)) return 'set-aside';
    const weight = built.weights.get(pick.id);
    if (weight !== undefined) return weight > 0 ? 'active' : 'pending';
    if (!this.#passagesOf(index, pick)) return 'set-aside';
    return strongPick(pick) ? 'active' : 'pending';
  }

  /**
   * The picks an answer owes itself to: those that lifted a passage it shows, and the `none` that
   * declined it (a vote on the answer reinforces or contradicts them).
   */
  liftedBy(answer: Answer): number[] {
    const learned = answer.learned;
    if (!learned) return [];
    const shown = new Set(answer.passages.map((p) => p.passage.id));
    const ids = new Set<number>();
    for (const m of learned.moves)
      if (m.effect === 'lift' && shown.has(m.passageId)) for (const id of m.pickIds) ids.add(id);
    for (const id of learned.declinedBy?.pickIds ?? []) ids.add(id);
    return [...ids].sort((a, b) => a - b);
  }
}
