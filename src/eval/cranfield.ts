/**
 * The Cranfield-1400 test collection: parsers (given the files' text) and the
 * standard ranking metrics, as defined in the collection's README: MAP and
 * recall on binary relevance (codes 1–4), rankings cut at 1,000; nDCG@10 with
 * gain 4 for code 1 down to 1 for code 4.
 */

export interface CranDoc {
  id: number;
  title: string;
  text: string;
}

export interface CranQuery {
  /** 1-based position in the file: the number the judgments use. */
  id: number;
  /** The `.I` number printed in the file (it has gaps). */
  printed: number;
  text: string;
}

/** Judgments: query id → document id → code (1 = complete answer … 4 = minimum interest). */
export type Qrels = Map<number, Map<number, number>>;

function records(text: string): { id: string; fields: Map<string, string> }[] {
  const out: { id: string; fields: Map<string, string> }[] = [];
  let cur: { id: string; fields: Map<string, string> } | undefined;
  let field = '';
  for (const raw of text.split(/\r?\n/u)) {
    const line = raw.trimEnd();
    const m = line.match(/^\.([A-Z])(?:\s+(.*))?$/u);
    if (m?.[1] === 'I') {
      cur = { id: (m[2] ?? '').trim(), fields: new Map() };
      out.push(cur);
      field = '';
      continue;
    }
    if (m?.[1]) {
      field = m[1];
      continue;
    }
    if (cur && field) cur.fields.set(field, `${cur.fields.get(field) ?? ''}${line}\n`);
  }
  return out;
}

/** Parses cran.all.1400. */
export function parseDocs(text: string): CranDoc[] {
  return records(text).map((r) => ({
    id: Number(r.id),
    title: (r.fields.get('T') ?? '').replace(/\s+/gu, ' ').trim(),
    text: (r.fields.get('W') ?? '').trim(),
  }));
}

/** Parses cran.qry, renumbering the queries 1..n in file order as the judgments do. */
export function parseQueries(text: string): CranQuery[] {
  return records(text).map((r, i) => ({
    id: i + 1,
    printed: Number(r.id),
    text: (r.fields.get('W') ?? '').replace(/\s+/gu, ' ').trim(),
  }));
}

/** Parses cranqrel tolerantly (CRLF, trailing spaces); keeps codes 1–4 (relevant) only. */
export function parseQrels(text: string): Qrels {
  const qrels: Qrels = new Map();
  for (const line of text.split(/\r?\n/u)) {
    const parts = line.trim().split(/\s+/u);
    if (parts.length < 3) continue;
    const [q, d, c] = parts.map(Number) as [number, number, number];
    if (!Number.isInteger(q) || !Number.isInteger(d) || !(c >= 1 && c <= 4)) continue;
    let m = qrels.get(q);
    if (!m) {
      m = new Map();
      qrels.set(q, m);
    }
    m.set(d, c);
  }
  return qrels;
}

/** Number of relevant judgments. */
export function countRelevant(qrels: Qrels): number {
  let n = 0;
  for (const m of qrels.values()) n += m.size;
  return n;
}

export interface RankingFigures {
  map: number;
  ndcg10: number;
  recall10: number;
  recall100: number;
  queries: number;
}

const DEPTH = 1000;

/** Scores rankings (query id → ranked doc ids) against judgments. Queries without relevant documents are left out. */
export function scoreRankings(rankings: Map<number, number[]>, qrels: Qrels): RankingFigures {
  let ap = 0;
  let ndcg = 0;
  let r10 = 0;
  let r100 = 0;
  let n = 0;
  for (const [q, rel] of qrels) {
    if (rel.size === 0) continue;
    n++;
    const ranked = (rankings.get(q) ?? []).slice(0, DEPTH);
    let hits = 0;
    let sumPrec = 0;
    ranked.forEach((d, i) => {
      if (rel.has(d)) {
        hits++;
        sumPrec += hits / (i + 1);
      }
    });
    ap += sumPrec / rel.size;
    const gain = (d: number) => {
      const code = rel.get(d);
      return code === undefined ? 0 : 5 - code;
    };
    let dcg = 0;
    ranked.slice(0, 10).forEach((d, i) => {
      dcg += gain(d) / Math.log2(i + 2);
    });
    const ideal = [...rel.values()].map((c) => 5 - c).sort((a, b) => b - a);
    let idcg = 0;
    ideal.slice(0, 10).forEach((g, i) => {
      idcg += g / Math.log2(i + 2);
    });
    ndcg += idcg > 0 ? dcg / idcg : 0;
    r10 += ranked.slice(0, 10).filter((d) => rel.has(d)).length / rel.size;
    r100 += ranked.slice(0, 100).filter((d) => rel.has(d)).length / rel.size;
  }
  const k = n || 1;
  return { map: ap / k, ndcg10: ndcg / k, recall10: r10 / k, recall100: r100 / k, queries: n };
}

/** A Cranfield document as a corpus article: front matter title, body text. */
export function docAsArticle(doc: CranDoc): { file: string; text: string; hash: string } {
  const title = doc.title.replace(/"/gu, "'");
  return {
    file: `cran/${String(doc.id).padStart(4, '0')}.md`,
    text: `---\ntitle: "${title}"\n---\n${doc.text}\n`,
    hash: String(doc.id),
  };
}

/** The document id of a corpus file made by docAsArticle. */
export function docIdOfFile(file: string): number {
  return Number(file.match(/(\d+)\.md$/u)?.[1] ?? Number.NaN);
}

/** The parsed collection. */
export interface Cranfield {
  docs: CranDoc[];
  queries: CranQuery[];
  qrels: Qrels;
}

/** Parses the three files of the collection. */
export function parseCranfield(files: { docs: string; queries: string; qrels: string }): Cranfield {
  return {
    docs: parseDocs(files.docs),
    queries: parseQueries(files.queries),
    qrels: parseQrels(files.qrels),
  };
}

/** Ranks every query with `search` (question → files, best first), mapping files back to document ids. */
export function rankAll(c: Cranfield, search: (question: string) => string[]): Map<number, number[]> {
  const rankings = new Map<number, number[]>();
  for (const q of c.queries) {
    const seen = new Set<number>();
    const ranked: number[] = [];
    for (const file of search(q.text)) {
      const id = docIdOfFile(file);
      if (!seen.has(id)) {
        seen.add(id);
        ranked.push(id);
      }
    }
    rankings.set(q.id, ranked);
  }
  return rankings;
}
