/**
 * Picks as JSON lines, to move them between deployments (`npm run feedback -- export / import`)
 * and to measure learning (`npm run eval -- --teach FILE`). One line:
 * `{"question": "…", "file": "…" (optional), "passage": "<verbatim piece of the passage>",
 * "verdict": "answer" | "none", "by": "moderator" | "user"}`. A "none" line may leave the passage
 * out (the question is not answered by the articles; nothing to lower).
 */
import { checkQuestion } from '../core/answer.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { Passage } from '../core/types.js';
import type { NewPick, PickRecord, PickRole, Verdict } from '../store/types.js';
import { AnchorResolver, anchorOf } from './anchor.js';

/** One line of a picks file, as written. */
export interface PickLine {
  question: string;
  file?: string;
  passage?: string;
  verdict: Verdict;
  by: PickRole;
}

/** A line that could not be imported, with its 1-based number. */
export interface BadLine {
  line: number;
  reason: string;
}

/** A line resolved against the current corpus. */
export interface ResolvedLine {
  line: number;
  pick: PickLine;
  passage?: Passage;
}

/** Longest passage piece shown back in a reason. */
const SHOWN = 60;

function shown(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

/** Checks one line's shape; returns the pick or why it is wrong. */
export function parsePickLine(text: string): PickLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const o = value as Record<string, unknown>;
  const known = new Set(['question', 'file', 'passage', 'verdict', 'by']);
  const unknown = Object.keys(o).filter((k) => !known.has(k));
  if (unknown.length) return `unknown field ${JSON.stringify(unknown[0])} (known: ${[...known].join(', ')})`;
  if (typeof o.question !== 'string') return '"question" must be a string';
  const problem = checkQuestion(o.question);
  if (problem) return `"question": ${problem.message}`;
  const verdict = o.verdict ?? 'answer';
  if (verdict !== 'answer' && verdict !== 'none')
    return `"verdict" must be "answer" or "none"; got ${JSON.stringify(o.verdict)}`;
  const by = o.by ?? 'moderator';
  if (by !== 'moderator' && by !== 'user')
    return `"by" must be "moderator" or "user"; got ${JSON.stringify(o.by)}`;
  if (o.file !== undefined && typeof o.file !== 'string') return '"file" must be a string';
  if (o.passage !== undefined && typeof o.passage !== 'string') return '"passage" must be a string';
  if (verdict === 'answer' && (o.passage === undefined || o.passage.trim() === '')) {
    return '"passage" is required for an "answer" line';
  }
  return {
    question: o.question.trim(),
    verdict,
    by,
    ...(o.file !== undefined ? { file: o.file } : {}),
    ...(o.passage !== undefined && o.passage.trim() !== '' ? { passage: o.passage } : {}),
  };
}

/** Parses a picks file and finds each line's passage in the snapshot; bad lines are listed, not fatal. */
export function resolvePickLines(
  index: CorpusIndex,
  text: string,
): { lines: ResolvedLine[]; bad: BadLine[] } {
  const resolver = new AnchorResolver(index);
  const files = new Set(index.articles.map((a) => a.file));
  const lines: ResolvedLine[] = [];
  const bad: BadLine[] = [];
  text.split(/\r?\n/u).forEach((raw, k) => {
    const line = k + 1;
    if (raw.trim() === '') return;
    const pick = parsePickLine(raw);
    if (typeof pick === 'string') {
      bad.push({ line, reason: pick });
      return;
    }
    if (pick.file !== undefined && !files.has(pick.file)) {
      bad.push({ line, reason: `no article file ${JSON.stringify(pick.file)} in the current corpus` });
      return;
    }
    if (pick.passage === undefined) {
      lines.push({ line, pick });
      return;
    }
    const found = resolver.find(pick.passage, pick.file);
    if (found.length === 1) lines.push({ line, pick, passage: found[0] as Passage });
    else if (found.length === 0) {
      bad.push({ line, reason: `the passage "${shown(pick.passage)}" is not in the current corpus` });
    } else {
      const where = [...new Set(found.map((p) => p.origin.file))].join(', ');
      bad.push({
        line,
        reason: `the passage "${shown(pick.passage)}" is found in ${found.length} passages (${where}): give more of its text${pick.file ? '' : ' or the file'}`,
      });
    }
  });
  return { lines, bad };
}

/** The picks to add for resolved lines (users' lines each count as a different person). */
export function picksFromLines(lines: readonly ResolvedLine[], source = 'import'): NewPick[] {
  return lines.map(({ line, pick, passage }) => ({
    question: pick.question,
    verdict: pick.verdict,
    anchors: passage ? [anchorOf(passage)] : [],
    byUser: pick.by === 'moderator' ? source : `${source}:${line}`,
    byRole: pick.by,
    source,
  }));
}

/** Picks as lines: one per anchor (a "none" pick with several passages gives several lines). */
export function exportPickLines(picks: readonly PickRecord[]): string[] {
  const out: string[] = [];
  for (const p of picks) {
    if (p.undoneAt !== undefined) continue;
    const anchors = p.anchors.length ? p.anchors : [undefined];
    for (const a of anchors) {
      const line: PickLine = {
        question: p.question,
        ...(a ? { file: a.file, passage: a.text } : {}),
        verdict: p.verdict,
        by: p.byRole === 'moderator' || p.confirmedBy !== undefined ? 'moderator' : 'user',
      };
      out.push(JSON.stringify(line));
    }
  }
  return out;
}
