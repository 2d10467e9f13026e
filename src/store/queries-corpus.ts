/**
 * The whole store: the feedback's queries (queries.ts), the state shared by instances (queries-fleet.ts),
 * the shared sentence vectors (queries-vectors.ts) and the corpus's — articles added from
 * Discord, tombstones, the audit log, the question log and proposals — on one Kysely database,
 * in the same dialect-neutral SQL. A change to articles or tombstones, the corpus revision's bump
 * and its audit entry are one transaction; the picks' revision is left alone.
 */
import type { Kysely, Transaction } from 'kysely';
import type {
  AuditEntry,
  NewAuditEntry,
  Proposal,
  ProposalClaim,
  ProposalOutcome,
  QuestionEntry,
  StoredArticle,
  Store,
  Tombstone,
} from './corpus-types.js';
import { bumpCorpusRevision } from './maintenance.js';
import { KyselyVectorStore } from './queries-vectors.js';
import { pickRecord, voteRecord } from './rows.js';
import {
  articleRecord,
  articleRow,
  auditRecord,
  proposalRecord,
  proposalRow,
  questionRecord,
  questionRow,
  tombstoneRecord,
  tombstoneRow,
} from './rows-corpus.js';
import type { Database } from './schema.js';
import { toNumber } from './schema.js';
import type { PickRecord, VoteRecord } from './types.js';

/** The Store (feedback and corpus) on a `Kysely<Database>` whose schema is migrated. */
export class KyselyStore extends KyselyVectorStore implements Store {
  articles(): Promise<StoredArticle[]> {
    return this.use('list the articles', async () => {
      const rows = await this.db.selectFrom('articles').selectAll().orderBy('file').execute();
      return rows.map(articleRecord);
    });
  }

  getArticle(file: string): Promise<StoredArticle | undefined> {
    return this.use('read an article', async () => {
      const row = await this.db
        .selectFrom('articles')
        .selectAll()
        .where('file', '=', file)
        .executeTakeFirst();
      return row && articleRecord(row);
    });
  }

  async putArticle(article: StoredArticle, audit: NewAuditEntry, at = Date.now()): Promise<void> {
    await this.#changeCorpus('keep an article', audit, at, async (trx) => {
      const { file: _file, ...rest } = articleRow(article);
      await trx
        .insertInto('articles')
        .values(articleRow(article))
        .onConflict((oc) => oc.column('file').doUpdateSet(rest))
        .execute();
      return true;
    });
  }

  deleteArticle(file: string, audit: NewAuditEntry, at = Date.now()): Promise<boolean> {
    return this.#changeCorpus('delete an article', audit, at, async (trx) => {
      const { numDeletedRows } = await trx.deleteFrom('articles').where('file', '=', file).executeTakeFirst();
      return numDeletedRows > 0n;
    });
  }

  tombstones(): Promise<Tombstone[]> {
    return this.use('list the hidden articles', async () => {
      const rows = await this.db.selectFrom('tombstones').selectAll().orderBy('file').execute();
      return rows.map(tombstoneRecord);
    });
  }

  hideArticle(tombstone: Tombstone, audit: NewAuditEntry): Promise<boolean> {
    return this.#changeCorpus('hide an article', audit, tombstone.at, async (trx) => {
      // A tombstone already there is left as it was (no row comes back).
      const added = await trx
        .insertInto('tombstones')
        .values(tombstoneRow(tombstone))
        .onConflict((oc) => oc.column('file').doNothing())
        .returning('file')
        .executeTakeFirst();
      return added !== undefined;
    });
  }

  restoreArticle(file: string, audit: NewAuditEntry, at = Date.now()): Promise<boolean> {
    return this.#changeCorpus('restore an article', audit, at, async (trx) => {
      const { numDeletedRows } = await trx
        .deleteFrom('tombstones')
        .where('file', '=', file)
        .executeTakeFirst();
      return numDeletedRows > 0n;
    });
  }

  corpusRevision(): Promise<number> {
    return this.use('read the corpus revision', async () => {
      const row = await this.db
        .selectFrom('citebot_meta')
        .select('value')
        .where('key', '=', 'corpus_revision')
        .executeTakeFirstOrThrow();
      return toNumber(row.value);
    });
  }

  audit(entry: NewAuditEntry, at = Date.now()): Promise<AuditEntry> {
    return this.use('write an audit entry', () => insertAudit(this.db, entry, at));
  }

  auditLog(limit: number, offset = 0): Promise<AuditEntry[]> {
    return this.use('read the audit log', async () => {
      const rows = await this.db
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(auditRecord);
    });
  }

  auditCount(): Promise<number> {
    return this.use('count the audit entries', async () => {
      const row = await this.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return toNumber(row.n as number | bigint | string);
    });
  }

  logQuestion(entry: QuestionEntry): Promise<void> {
    return this.use('log a question', async () => {
      await this.db.insertInto('questions').values(questionRow(entry)).execute();
    });
  }

  questionsSince(since: number, limit?: number): Promise<QuestionEntry[]> {
    return this.use('read the question log', async () => {
      let query = this.db
        .selectFrom('questions')
        .selectAll()
        .where('at', '>=', since)
        .orderBy('at')
        .orderBy('id');
      if (limit !== undefined) query = query.limit(limit);
      return (await query.execute()).map(questionRecord);
    });
  }

  votesSince(since: number): Promise<VoteRecord[]> {
    return this.use('list votes', async () => {
      const rows = await this.db
        .selectFrom('votes')
        .leftJoin('answers', 'answers.id', 'votes.answer_id')
        .select(['votes.answer_id', 'votes.user_id', 'votes.value', 'votes.created_at', 'answers.question'])
        .where('votes.created_at', '>=', since)
        .orderBy('votes.created_at')
        .orderBy('votes.answer_id')
        .orderBy('votes.user_id')
        .execute();
      return rows.map(voteRecord);
    });
  }

  picksSince(since: number): Promise<PickRecord[]> {
    return this.use('list picks', async () => {
      const rows = await this.db
        .selectFrom('picks')
        .selectAll()
        .where('created_at', '>=', since)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(pickRecord);
    });
  }

  saveProposal(proposal: Proposal): Promise<void> {
    return this.use('keep a proposal', async () => {
      await this.db.insertInto('proposals').values(proposalRow(proposal)).execute();
    });
  }

  getProposal(id: string): Promise<Proposal | undefined> {
    return this.use('read a proposal', async () => {
      const row = await this.db
        .selectFrom('proposals')
        .selectAll()
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return row && proposalRecord(row);
    });
  }

  claimProposal(
    id: string,
    byUser: string,
    outcome: ProposalOutcome,
    at = Date.now(),
  ): Promise<ProposalClaim> {
    return this.use('decide a proposal', async () => {
      // One statement decides who wins: of concurrent claims, only one finds the row pending.
      const won = await this.db
        .updateTable('proposals')
        .set({ state: outcome, decided_at: at })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .where('by_user', '=', byUser)
        .where('expires_at', '>', at)
        .returningAll()
        .executeTakeFirst();
      if (won) return { ok: true, proposal: proposalRecord(won) };
      // Refused: say why from the row as it is now.
      const row = await this.db.selectFrom('proposals').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.by_user !== byUser) return { ok: false, reason: 'not_yours' };
      if (row.state === 'pending' && toNumber(row.expires_at) <= at) return { ok: false, reason: 'expired' };
      // Decided (or decided when the update ran, and released since).
      return { ok: false, reason: 'decided' };
    });
  }

  releaseProposal(id: string): Promise<void> {
    return this.use('release a proposal', async () => {
      await this.db
        .updateTable('proposals')
        .set({ state: 'pending', decided_at: null })
        .where('id', '=', id)
        .where('state', '=', 'confirmed')
        .execute();
    });
  }

  /**
   * Runs one change of articles or tombstones in a transaction; when it changed something
   * (`change` returns true), the corpus revision grows and `audit` is written at `at`, in the
   * same transaction.
   */
  #changeCorpus(
    what: string,
    audit: NewAuditEntry,
    at: number,
    change: (trx: Transaction<Database>) => Promise<boolean>,
  ): Promise<boolean> {
    return this.use(what, () =>
      this.db.transaction().execute(async (trx) => {
        if (!(await change(trx))) return false;
        await bumpCorpusRevision(trx, this.notifies);
        await insertAudit(trx, audit, at);
        return true;
      }),
    );
  }
}

/** Writes one audit entry (in a transaction or not) and returns it as stored. */
async function insertAudit(db: Kysely<Database>, entry: NewAuditEntry, at: number): Promise<AuditEntry> {
  const row = await db
    .insertInto('audit_log')
    .values({ at, actor: entry.actor, action: entry.action, target: entry.target, detail: entry.detail })
    .returningAll()
    .executeTakeFirstOrThrow();
  return auditRecord(row);
}
