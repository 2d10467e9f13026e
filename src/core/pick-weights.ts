/**
 * How strongly each pick teaches: a moderator's pick (or a user's a moderator confirmed) fully, a
 * user's only once another person agreed (the same verdict and passage for a close question),
 * and every pick fading slowly from the last time it was reinforced, halved by each answer it
 * lifted that was voted down. Picks of the same question (normalised), verdict and passages are
 * grouped into one taught question. Pure.
 */

/** What pick weighing reads of a pick (the store's PickRecord has it all). */
export interface WeighedPick {
  id: number;
  question: string;
  answerId?: string | undefined;
  verdict: 'answer' | 'none';
  anchors: readonly { file: string; hash: string }[];
  byUser: string;
  byRole: 'moderator' | 'user';
  createdAt: number;
  confirmedBy?: string | undefined;
  undoneAt?: number | undefined;
  reinforcedAt?: number | undefined;
  contradictions: number;
}

/** The strengths and the fading of picks. */
export interface PickWeightSettings {
  /** A moderator's pick, or a confirmed one. */
  moderator: number;
  /** A user's pick another person agreed with (a user's alone: 0). */
  agreed: number;
  /** Days after which a pick not reinforced teaches half as strongly. */
  halfLifeDays: number;
  /** Fading stops at this fraction. */
  fadeFloor: number;
  /** Each contradiction multiplies the weight by this. */
  contradiction: number;
}

/**
 * The values: a moderator's pick is strong (1), an agreed user's clearly weaker (0.6),
 * fading is slow (half-life 180 days, never below a quarter) and each contradiction halves.
 */
export const PICK_WEIGHTS: Readonly<PickWeightSettings> = Object.freeze({
  moderator: 1,
  agreed: 0.6,
  halfLifeDays: 180,
  fadeFloor: 0.25,
  contradiction: 0.5,
});

const DAY_MS = 86_400_000;

/** A question as picks are grouped by: lower case, runs of spaces as one, no punctuation at the ends. */
export function normaliseQuestion(question: string): string {
  return question
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
}

/** The passages a pick names, as one key (`file\0hash`, sorted). */
export function anchorKey(pick: Pick<WeighedPick, 'anchors'>): string {
  return pick.anchors
    .map((a) => `${a.file}\u0000${a.hash}`)
    .sort()
    .join('\u0001');
}

function namesSame(a: WeighedPick, b: WeighedPick): boolean {
  if (a.verdict !== b.verdict) return false;
  if (a.verdict === 'answer') return anchorKey(a) === anchorKey(b);
  // `none`: both declines without passages, or at least one passage in common.
  if (a.anchors.length === 0 || b.anchors.length === 0) return a.anchors.length === b.anchors.length;
  const keys = new Set(a.anchors.map((x) => `${x.file}\u0000${x.hash}`));
  return b.anchors.some((x) => keys.has(`${x.file}\u0000${x.hash}`));
}

/** Whether a pick is taught in full without anyone agreeing. */
export function strongPick(pick: WeighedPick): boolean {
  return pick.byRole === 'moderator' || pick.confirmedBy !== undefined;
}

/** How much a pick has faded at `now` (1 when new or just reinforced). */
export function fading(pick: WeighedPick, now: number, settings: PickWeightSettings = PICK_WEIGHTS): number {
  const age = Math.max(0, now - (pick.reinforcedAt ?? pick.createdAt)) / DAY_MS;
  const faded = Math.max(settings.fadeFloor, 0.5 ** (age / settings.halfLifeDays));
  return faded * settings.contradiction ** Math.max(0, pick.contradictions);
}

/**
 * Each pick's weight at `now` (0..1; undone picks are left out). A user's pick counts once another
 * person's pick (not undone) agrees: the same verdict and passage, for the same normalised
 * question, the same answer, or questions `close` says are close.
 */
export function pickWeights(
  picks: readonly WeighedPick[],
  now: number,
  close: (a: WeighedPick, b: WeighedPick) => boolean = () => false,
  settings: PickWeightSettings = PICK_WEIGHTS,
): Map<number, number> {
  const live = picks.filter((p) => p.undoneAt === undefined);
  // Candidates for agreement share the verdict and, for `answer`, the passage.
  const byTarget = new Map<string, WeighedPick[]>();
  for (const p of live) {
    const key = p.verdict === 'answer' ? `a${anchorKey(p)}` : 'n';
    byTarget.set(key, [...(byTarget.get(key) ?? []), p]);
  }
  const out = new Map<number, number>();
  for (const p of live) {
    let base = 0;
    if (strongPick(p)) base = settings.moderator;
    else {
      const key = p.verdict === 'answer' ? `a${anchorKey(p)}` : 'n';
      const agreed = (byTarget.get(key) ?? []).some(
        (o) =>
          o.id !== p.id &&
          o.byUser !== p.byUser &&
          namesSame(p, o) &&
          ((o.answerId !== undefined && o.answerId === p.answerId) ||
            normaliseQuestion(o.question) === normaliseQuestion(p.question) ||
            close(p, o)),
      );
      if (agreed) base = settings.agreed;
    }
    out.set(p.id, base * fading(p, now, settings));
  }
  return out;
}

/** Picks that teach the same thing: one normalised question, verdict and set of passages. */
export interface PickGroup {
  /** The picks with a weight above 0, oldest first. */
  picks: WeighedPick[];
  /** The strongest pick's weight. */
  weight: number;
  /** Whether a moderator made or confirmed one of them. */
  moderator: boolean;
}

/** Groups the picks that teach (weight above 0) by normalised question, verdict and passages. */
export function groupPicks(picks: readonly WeighedPick[], weights: ReadonlyMap<number, number>): PickGroup[] {
  const groups = new Map<string, PickGroup>();
  for (const p of [...picks].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)) {
    const w = weights.get(p.id) ?? 0;
    if (w <= 0) continue;
    const key = `${normaliseQuestion(p.question)}\u0002${p.verdict}\u0002${anchorKey(p)}`;
    const g = groups.get(key);
    if (g) {
      g.picks.push(p);
      g.weight = Math.max(g.weight, w);
      g.moderator ||= strongPick(p);
    } else groups.set(key, { picks: [p], weight: w, moderator: strongPick(p) });
  }
  return [...groups.values()];
}
