/**
 * What the insights tests share: a real index (the bundled corpus and the Markdown fixture), a
 * store holding arrays of questions, votes and picks behind the three read methods, and a sentence
 * model whose vectors come from a table of needs (paraphrases of one need share a direction).
 */
import path from 'node:path';
import { CorpusIndex } from '../../src/core/corpus-index.js';
import { loadCorpus } from '../../src/corpus/loader.js';
import type { QuestionLog } from '../../src/insights/insights.js';
import type { Embedder } from '../../src/semantic/embedder.js';
import type { QuestionEntry } from '../../src/store/corpus-types.js';
import type { PickRecord, VoteRecord } from '../../src/store/types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The bundled corpus and test/fixture/markdown (guide.md has nested headings), as one snapshot. */
export async function testIndex(): Promise<CorpusIndex> {
  const [corpus, fixture] = await Promise.all([
    loadCorpus(path.join(ROOT, 'corpus')),
    loadCorpus(path.join(ROOT, 'test/fixture/markdown')),
  ]);
  return CorpusIndex.build([...corpus.sources, ...fixture.sources]);
}

/** The store's three read methods over arrays, as the SQLite store answers them (oldest first). */
export class ArrayLog implements QuestionLog {
  reads = 0;
  constructor(
    readonly questions: QuestionEntry[] = [],
    readonly votes: VoteRecord[] = [],
    readonly picks: PickRecord[] = [],
  ) {}

  async questionsSince(since: number, limit?: number): Promise<QuestionEntry[]> {
    this.reads++;
    const got = this.questions.filter((q) => q.at >= since).sort((a, b) => a.at - b.at);
    return limit === undefined ? got : got.slice(0, limit);
  }

  async votesSince(since: number): Promise<VoteRecord[]> {
    return this.votes.filter((v) => v.createdAt >= since).sort((a, b) => a.createdAt - b.createdAt);
  }

  async picksSince(since: number): Promise<PickRecord[]> {
    return this.picks.filter((p) => p.createdAt >= since).sort((a, b) => a.createdAt - b.createdAt);
  }
}

export const DIM = 8;

/** A unit vector `degrees` from axis `axis` towards axis `axis + 1`. */
export function direction(axis: number, degrees = 0): Float32Array {
  const v = new Float32Array(DIM);
  const r = (degrees * Math.PI) / 180;
  const next = (axis + 1) % DIM;
  v[axis % DIM] = Math.cos(r);
  v[next] = (v[next] as number) + Math.sin(r);
  return v;
}

/**
 * A sentence model by table: a text's vector is its need's direction (texts are matched lower
 * case, without the final punctuation); a text not in the table gets a direction of its own.
 */
export function tableEmbedder(table: Record<string, Float32Array>): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  let spare = 0;
  const own = new Map<string, Float32Array>();
  return {
    model: 'table-test',
    calls,
    async embed(texts: string[]) {
      calls.push(texts);
      return texts.map((t) => {
        const key = t.toLowerCase().replace(/[?.!]+$/u, '');
        const known = table[key];
        if (known) return known;
        let v = own.get(key);
        if (!v) own.set(key, (v = direction(4 + (spare++ % 4), 45)));
        return v;
      });
    },
  };
}

export const DAY = 86_400_000;
/** The reports' clock in these tests. */
export const NOW = Date.UTC(2025, 6, 9, 12, 0, 0);

/** A logged question. */
export function asked(question: string, daysAgo: number, extra: Partial<QuestionEntry> = {}): QuestionEntry {
  return { at: NOW - daysAgo * DAY, question, answered: true, surface: 'discord', quoted: [], ...extra };
}

/** A vote. */
export function vote(
  answerId: string,
  value: 1 | -1,
  daysAgo: number,
  userId: string,
  question?: string,
): VoteRecord {
  return { answerId, userId, value, createdAt: NOW - daysAgo * DAY, ...(question ? { question } : {}) };
}

let pickIds = 0;

/** A pick. */
export function pick(
  answerId: string | undefined,
  daysAgo: number,
  extra: Partial<PickRecord> = {},
): PickRecord {
  return {
    id: ++pickIds,
    question: 'q',
    ...(answerId !== undefined ? { answerId } : {}),
    verdict: 'answer',
    anchors: [{ file: 'guide.md', hash: 'h', text: 't', label: 'A Field Guide to Compilers › Front ends' }],
    byUser: '999999999999999999',
    byRole: 'user',
    source: 'discord',
    createdAt: NOW - daysAgo * DAY,
    contradictions: 0,
    ...extra,
  };
}
