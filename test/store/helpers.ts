// Shared by the store's tests: a fresh data folder under the OS temp dir, and sample records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Anchor, AnswerRecord, NewPick } from '../../src/store/types.js';

/** A new empty folder under the OS temp dir, and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'citebot-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An anchor whose fields all say `n`. */
export function anchor(n: number): Anchor {
  return {
    file: `a${n}.md`,
    hash: n.toString(16).padStart(16, '0'),
    text: `Passage ${n} ✓`,
    label: `T${n} › S`,
  };
}

/** An answer with two candidates, one shown. */
export function answer(id: string, createdAt: number, extra: Partial<AnswerRecord> = {}): AnswerRecord {
  return {
    id,
    question: `question of ${id}?`,
    askerId: 'asker',
    private: false,
    answered: true,
    candidates: [anchor(1), anchor(2)],
    shown: 1,
    surface: 'discord',
    createdAt,
    ...extra,
  };
}

/** A user's answer pick on one anchor. */
export function newPick(question: string, extra: Partial<NewPick> = {}): NewPick {
  return {
    question,
    verdict: 'answer',
    anchors: [anchor(7)],
    byUser: 'u1',
    byRole: 'user',
    source: 'discord',
    ...extra,
  };
}
