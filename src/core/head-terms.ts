/**
 * Cost-based query pruning for large corpora.
 *
 * MiniSearch scores every posting of every query term, so a term found in tens of
 * thousands of passages costs tens of milliseconds per query whatever else the query
 * holds. A "head" term is one present in more than max(2% of the passages, 1,000)
 * passages. Head terms are not looked up in the index at query time:
 * - with rarer terms in the query, the rare terms find the candidates and the head
 *   terms' BM25+ contributions are added for those candidates by counting them in the
 *   candidates' own text;
 * - a query made only of head terms starts from a table, built with the index, of each
 *   head term's best passages, and is then scored the same way.
 * Below 1,000 passages per term nothing is pruned, so small corpora (the bundled
 * articles, Cranfield's 1,400 abstracts) rank exactly as without pruning.
 */

/** Terms in more than this share of the passages… */
export const HEAD_FRACTION = 0.02;
/** …and in more than this many passages are head terms. */
export const HEAD_MIN_DF = 1000;
/** Best passages kept per head term. */
export const HEAD_TOP = 64;
/** Candidates rescored per query. */
export const RESCORE_CANDIDATES = 100;

/** The df above which a term is a head term, for a corpus of `n` passages. */
export function headLimit(n: number): number {
  return Math.max(HEAD_FRACTION * n, HEAD_MIN_DF);
}

export interface Bm25 {
  k: number;
  b: number;
  d: number;
}

/** MiniSearch's BM25+ for one term in one field. */
export function bm25(tf: number, df: number, n: number, len: number, avgLen: number, p: Bm25): number {
  const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
  return idf * (p.d + (tf * (p.k + 1)) / (tf + p.k * (1 - p.b + (p.b * len) / avgLen)));
}

/** A head term's best passages (by its text-field score), best first. */
export interface HeadList {
  ids: Int32Array;
  scores: Float32Array;
}

/** Keeps the `k` best (id, score) pairs seen. */
export class TopK {
  readonly #k: number;
  readonly #ids: number[] = [];
  readonly #scores: number[] = [];
  #min = Number.POSITIVE_INFINITY;
  #minAt = -1;

  constructor(k: number) {
    this.#k = k;
  }

  push(id: number, score: number): void {
    if (this.#ids.length < this.#k) {
      this.#ids.push(id);
      this.#scores.push(score);
      if (score < this.#min) {
        this.#min = score;
        this.#minAt = this.#ids.length - 1;
      }
      return;
    }
    if (score <= this.#min) return;
    this.#ids[this.#minAt] = id;
    this.#scores[this.#minAt] = score;
    this.#min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.#scores.length; i++) {
      const s = this.#scores[i] as number;
      if (s < this.#min) {
        this.#min = s;
        this.#minAt = i;
      }
    }
  }

  toList(): HeadList {
    const order = this.#ids
      .map((_, i) => i)
      .sort((a, b) => (this.#scores[b] as number) - (this.#scores[a] as number));
    return {
      ids: Int32Array.from(order.map((i) => this.#ids[i] as number)),
      scores: Float32Array.from(order.map((i) => this.#scores[i] as number)),
    };
  }
}
