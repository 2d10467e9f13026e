/**
 * The feedback pair set for scripts: test/eval/teach.jsonl resolved to passages of a snapshot
 * (each quoted piece found verbatim with the AnchorResolver), and test/eval/rewordings.json.
 */
import { readFile } from 'node:fs/promises';
import type { CorpusIndex } from '../../src/core/corpus-index.js';
import type { Rewording, TeachLine } from '../../src/eval/teach.js';
import { AnchorResolver } from '../../src/learning/anchor.js';

/** One line of teach.jsonl as written. */
export interface RawTeachLine {
  question: string;
  verdict: 'answer' | 'none';
  by: string;
  file?: string;
  passage?: string;
}

/** Reads and resolves the pair set; throws naming a line whose piece is not in exactly one passage. */
export async function loadPairSet(
  index: CorpusIndex,
  teachFile: string,
  rewordingsFile: string,
): Promise<{ raw: RawTeachLine[]; taught: TeachLine[]; rewordings: Rewording[] }> {
  const raw = (await readFile(teachFile, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RawTeachLine);
  const resolver = new AnchorResolver(index);
  const taught = raw.map((l, i): TeachLine => {
    if (l.passage === undefined) return { question: l.question, verdict: l.verdict, passageIds: [] };
    const found = resolver.find(l.passage, l.file);
    if (found.length !== 1)
      throw new Error(`${teachFile}:${i + 1}: the piece is in ${found.length} passages (expected 1)`);
    return { question: l.question, verdict: l.verdict, passageIds: [(found[0] as { id: number }).id] };
  });
  const rewordings = (JSON.parse(await readFile(rewordingsFile, 'utf8')) as { items: Rewording[] }).items;
  return { raw, taught, rewordings };
}
