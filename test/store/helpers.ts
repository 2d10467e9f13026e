// Shared by the store's tests: a fresh data folder under the OS temp dir, and sample records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditAction, NewAuditEntry, Proposal, StoredArticle } from '../../src/store/corpus-types.js';
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

/** An article added by link, every optional field set. */
export function linkArticle(
  slug: string,
  addedAt: number,
  extra: Partial<StoredArticle> = {},
): StoredArticle {
  return {
    file: `discord/${slug}.md`,
    title: `Title of ${slug}`,
    text: `# ${slug}\n\nSome text ✓ of ${slug}.\n`,
    contentHash: 'ab'.repeat(32),
    sourceUrl: `https://example.org/${slug}`,
    etag: '"v1"',
    lastModified: 'Tue, 01 Apr 2025 10:00:00 GMT',
    addedBy: 'mod1',
    addedAt,
    updatedBy: 'mod2',
    updatedAt: addedAt + 1,
    ...extra,
  };
}

/** An article added by attachment, no optional field but the attachment's name. */
export function fileArticle(slug: string, addedAt: number): StoredArticle {
  return {
    file: `discord/${slug}.txt`,
    title: `Notes ${slug}`,
    text: `plain text of ${slug}`,
    contentHash: 'cd'.repeat(32),
    attachmentName: `${slug}.txt`,
    addedBy: 'mod1',
    addedAt,
  };
}

/** An audit entry of `action` on `target`. */
export function auditOf(action: AuditAction, target: string, actor = 'mod1'): NewAuditEntry {
  return { actor, action, target, detail: `${action} of ${target}` };
}

/** A pending proposal of mod1's, made at 1000, expiring at `expiresAt`. */
export function proposal(id: string, expiresAt = 10_000, extra: Partial<Proposal> = {}): Proposal {
  return {
    id,
    kind: 'add',
    byUser: 'mod1',
    createdAt: 1000,
    expiresAt,
    payload: JSON.stringify({ id, say: 'opaque ✓' }),
    ...extra,
  };
}
