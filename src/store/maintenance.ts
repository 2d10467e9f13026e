/**
 * Writes the store's methods share, each run inside the caller's transaction: the picks' and the
 * corpus's revision counters, and the purge of old rows (FEEDBACK_RETENTION_DAYS).
 */
import { sql } from './kysely.js';
import type { Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { PurgeReport } from './types.js';

/** Grows the picks' revision by one (inside the transaction that changed them). */
export async function bumpRevision(trx: Transaction<Database>): Promise<void> {
  await trx
    .updateTable('citebot_meta')
    .set({ value: sql<number>`${sql.ref('value')} + 1` })
    .where('key', '=', 'revision')
    .execute();
}

/** Grows the corpus revision by one (inside the transaction that changed articles or tombstones). */
export async function bumpCorpusRevision(trx: Transaction<Database>): Promise<void> {
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
 * decided or expired before it. Articles and tombstones are never purged.
 */
export async function purgeBefore(trx: Transaction<Database>, before: number): Promise<PurgeReport> {
  const oldAnswers = trx.selectFrom('answers').select('id').where('created_at', '<', before);
  const votes = await trx
    .deleteFrom('votes')
    .where((eb) => eb.or([eb('created_at', '<', before), eb('answer_id', 'in', oldAnswers)]))
    .executeTakeFirst();
  const answers = await trx.deleteFrom('answers').where('created_at', '<', before).executeTakeFirst();
  const oldPicks = trx.selectFrom('picks').select('id').where('created_at', '<', before);
  await trx.deleteFrom('pick_vectors').where('pick_id', 'in', oldPicks).executeTakeFirst();
  const picks = await trx.deleteFrom('picks').where('created_at', '<', before).executeTakeFirst();
  if (picks.numDeletedRows > 0n) await bumpRevision(trx);
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
