/**
 * Writes the store's methods share, each run inside the caller's transaction: the picks' and the
 * corpus's revision counters, and the purge of old rows (FEEDBACK_RETENTION_DAYS). On PostgreSQL a
 * bump also notifies CHANGE_CHANNEL in the same transaction, so listeners hear of a change only once
 * it has committed (see postgres-listen.ts); SQLite's SQL is unchanged.
 */
import { sql } from './kysely.js';
import type { Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { ChangeKind } from './corpus-types.js';
import type { PurgeReport } from './types.js';

/** The PostgreSQL channel the revision bumps notify; the payload is a `ChangeKind`. */
export const CHANGE_CHANNEL = 'citebot_changes';

/** Sends `kind` on CHANGE_CHANNEL, delivered when (and only if) `trx` commits. PostgreSQL only. */
async function notifyChange(trx: Transaction<Database>, kind: ChangeKind): Promise<void> {
  await sql`select pg_notify(${CHANGE_CHANNEL}, ${kind})`.execute(trx);
}

/**
 * Grows the picks' revision by one (inside the transaction that changed them); with `notify`
 * (PostgreSQL), tells the listeners too.
 */
export async function bumpRevision(trx: Transaction<Database>, notify = false): Promise<void> {
  if (notify) await notifyChange(trx, 'picks');
  await trx
    .updateTable('citebot_meta')
    .set({ value: sql<number>`${sql.ref('value')} + 1` })
    .where('key', '=', 'revision')
    .execute();
}

/**
 * Grows the corpus revision by one (inside the transaction that changed articles or tombstones);
 * with `notify` (PostgreSQL), tells the listeners too.
 */
export async function bumpCorpusRevision(trx: Transaction<Database>, notify = false): Promise<void> {
  if (notify) await notifyChange(trx, 'corpus');
  await trx
    .updateTable('citebot_meta')
    .set({ value: sql<number>`${sql.ref('value')} + 1` })
    .where('key', '=', 'corpus_revision')
    .execute();
}

/**
 * Deletes answers, votes and picks made before `before` (ms), with the votes of those answers
 * (however recent) and the vectors of those picks; bumps the revision when picks went. Deletes
 * too the questions asked and the audit entries written before `before`, and the proposals
 * decided or expired before it. Articles and tombstones are never purged. `notify` as for
 * bumpRevision.
 */
export async function purgeBefore(
  trx: Transaction<Database>,
  before: number,
  notify = false,
): Promise<PurgeReport> {
  const oldAnswers = trx.selectFrom('answers').select('id').where('created_at', '<', before);
  const votes = await trx
    .deleteFrom('votes')
    .where((eb) => eb.or([eb('created_at', '<', before), eb('answer_id', 'in', oldAnswers)]))
    .executeTakeFirst();
  const answers = await trx.deleteFrom('answers').where('created_at', '<', before).executeTakeFirst();
  const oldPicks = trx.selectFrom('picks').select('id').where('created_at', '<', before);
  await trx.deleteFrom('pick_vectors').where('pick_id', 'in', oldPicks).executeTakeFirst();
  const picks = await trx.deleteFrom('picks').where('created_at', '<', before).executeTakeFirst();
  if (picks.numDeletedRows > 0n) await bumpRevision(trx, notify);
  const questions = await trx.deleteFrom('questions').where('at', '<', before).executeTakeFirst();
  const audit = await trx.deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
  const proposals = await trx
    .deleteFrom('proposals')
    .where((eb) => eb.or([eb('decided_at', '<', before), eb('expires_at', '<', before)]))
    .executeTakeFirst();
  return {
    answers: Number(answers.numDeletedRows),
    votes: Number(votes.numDeletedRows),
    picks: Number(picks.numDeletedRows),
    questions: Number(questions.numDeletedRows),
    audit: Number(audit.numDeletedRows),
    proposals: Number(proposals.numDeletedRows),
  };
}
