/**
 * The feedback store on any Kysely database that speaks plain SQL (SQLite, PostgreSQL): no
 * dialect's own functions, only upserts (`on conflict`) and `returning`, which both have. Writes
 * that touch several rows, or a pick and the revision, run in one transaction; a vote is atomic
 * statements instead (see `vote`), right under PostgreSQL's read-committed transactions too.
 */
import { sql } from './kysely.js';
import type { Kysely, Transaction } from 'kysely';
import { describeError } from './errors.js';
import { bumpRevision, purgeBefore } from './maintenance.js';
import {
  answerRecord,
  answerRow,
  pickRecord,
  pickRow,
  vectorBytes,
  vectorFrom,
  voteRecord,
  voteValue,
} from './rows.js';
import type { Database } from './schema.js';
import { toNumber } from './schema.js';
import type {
  AnswerRecord,
  FeedbackStore,
  NewPick,
  PickRecord,
  PickVector,
  PurgeReport,
  VoteRecord,
  VoteValue,
} from './types.js';
import { StoreError } from './types.js';

/** Rows per multi-row insert (well under SQLite's limit of bound parameters). */
const INSERT_BATCH = 500;

/** Rounds of a vote's read-and-replace before giving up (each lost round means another vote won). */
const VOTE_ATTEMPTS = 50;

/**
 * The FeedbackStore on a `Kysely<Database>` whose schema is migrated (see migrations.ts); KyselyStore
 * (queries-corpus.ts) adds the CorpusStore on the same database.
 */
export class KyselyFeedbackStore implements FeedbackStore {
  /** The database, shared with the corpus queries of KyselyStore (queries-corpus.ts). */
  protected readonly db: Kysely<Database>;

  /**
   * @param db a migrated database; the store owns it from now on (close() destroys it).
   * @param description where it lives, for messages ("SQLite at .data/citebot.sqlite").
   * @param options.notify the revision bumps notify CHANGE_CHANNEL too (PostgreSQL only).
   */
  constructor(
    db: Kysely<Database>,
    readonly description: string,
    options: { notify?: boolean } = {},
  ) {
    this.db = db;
    this.notifies = options.notify ?? false;
  }

  /** Whether the revision bumps notify CHANGE_CHANNEL (see maintenance.ts). */
  protected readonly notifies: boolean;

  recordAnswer(answer: AnswerRecord): Promise<void> {
    return this.use('keep an answer', async () => {
      const { id: _id, ...rest } = answerRow(answer);
      await this.db
        .insertInto('answers')
        .values(answerRow(answer))
        .onConflict((oc) => oc.column('id').doUpdateSet(rest))
        .execute();
    });
  }

  getAnswer(id: string): Promise<AnswerRecord | undefined> {
    return this.use('read an answer', async () => {
      const row = await this.db.selectFrom('answers').selectAll().where('id', '=', id).executeTakeFirst();
      return row && answerRecord(row);
    });
  }

  vote(answerId: string, userId: string, value: VoteValue, at = Date.now()): Promise<VoteValue | undefined> {
    // Statements that are each atomic, so that concurrent votes of one user on one answer (other
    // connections, other processes) each get the value they replaced: a first vote inserts; a
    // later one replaces the value it read, only if it is still that value (else it reads again).
    return this.use('take a vote', async () => {
      for (let attempt = 1; attempt <= VOTE_ATTEMPTS; attempt++) {
        const added = await this.db
          .insertInto('votes')
          .values({ answer_id: answerId, user_id: userId, value, created_at: at })
          .onConflict((oc) => oc.columns(['answer_id', 'user_id']).doNothing())
          .returning('value')
          .executeTakeFirst();
        if (added) return undefined;
        const before = await this.db
          .selectFrom('votes')
          .select('value')
          .where('answer_id', '=', answerId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (!before) continue; // purged in between: a first vote again
        const previous = voteValue(before.value);
        const { numUpdatedRows } = await this.db
          .updateTable('votes')
          .set({ value, created_at: at })
          .where('answer_id', '=', answerId)
          .where('user_id', '=', userId)
          .where('value', '=', previous)
          .executeTakeFirst();
        if (numUpdatedRows > 0n) return previous;
      }
      throw new Error(`the vote kept changing under ${VOTE_ATTEMPTS} attempts`);
    });
  }

  tally(answerId: string): Promise<{ up: number; down: number }> {
    return this.use('count votes', async () => {
      const rows = await this.db
        .selectFrom('votes')
        .select((eb) => ['value', eb.fn.countAll().as('n')])
        .where('answer_id', '=', answerId)
        .groupBy('value')
        .execute();
      const tally = { up: 0, down: 0 };
      for (const r of rows) tally[voteValue(r.value) === 1 ? 'up' : 'down'] += toNumber(r.n as number);
      return tally;
    });
  }

  recentVotes(limit: number, offset = 0): Promise<VoteRecord[]> {
    return this.use('list votes', async () => {
      const rows = await this.db
        .selectFrom('votes')
        .leftJoin('answers', 'answers.id', 'votes.answer_id')
        .select(['votes.answer_id', 'votes.user_id', 'votes.value', 'votes.created_at', 'answers.question'])
        .orderBy('votes.created_at', 'desc')
        .orderBy('votes.answer_id')
        .orderBy('votes.user_id')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(voteRecord);
    });
  }

  addPick(pick: NewPick, at = Date.now()): Promise<PickRecord> {
    return this.use('keep a pick', () =>
      this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('picks')
          .values(pickRow(pick, at))
          .returningAll()
          .executeTakeFirstOrThrow();
        await bumpRevision(trx, this.notifies);
        return pickRecord(row);
      }),
    );
  }

  getPick(id: number): Promise<PickRecord | undefined> {
    return this.use('read a pick', async () => {
      const row = await this.db.selectFrom('picks').selectAll().where('id', '=', id).executeTakeFirst();
      return row && pickRecord(row);
    });
  }

  activePicks(): Promise<PickRecord[]> {
    return this.use('list the active picks', async () => {
      const rows = await this.db
        .selectFrom('picks')
        .selectAll()
        .where('undone_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(pickRecord);
    });
  }

  recentPicks(limit: number, offset = 0): Promise<PickRecord[]> {
    return this.use('list picks', async () => {
      const rows = await this.db
        .selectFrom('picks')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(pickRecord);
    });
  }

  undoPick(id: number, by: string, at = Date.now()): Promise<boolean> {
    return this.#changePick('undo a pick', (trx) =>
      trx
        .updateTable('picks')
        .set({ undone_by: by, undone_at: at })
        .where('id', '=', id)
        .where('undone_at', 'is', null)
        .executeTakeFirst(),
    );
  }

  confirmPick(id: number, by: string, at = Date.now()): Promise<boolean> {
    return this.#changePick('confirm a pick', (trx) =>
      trx
        .updateTable('picks')
        .set({ confirmed_by: by, confirmed_at: at })
        .where('id', '=', id)
        .where('undone_at', 'is', null)
        .where('confirmed_at', 'is', null)
        .executeTakeFirst(),
    );
  }

  async notePickOutcome(id: number, reinforce: boolean, at = Date.now()): Promise<void> {
    // A reinforcement restarts the count: contradictions are those since `reinforced_at`.
    await this.#changePick('note how a pick did', (trx) =>
      trx
        .updateTable('picks')
        .set(
          reinforce
            ? { reinforced_at: at, contradictions: 0 }
            : { contradictions: sql<number>`${sql.ref('contradictions')} + 1` },
        )
        .where('id', '=', id)
        .executeTakeFirst(),
    );
  }

  pickVectors(model: string): Promise<PickVector[]> {
    return this.use('read pick vectors', async () => {
      const rows = await this.db
        .selectFrom('pick_vectors')
        .select(['pick_id', 'vector'])
        .where('model', '=', model)
        .orderBy('pick_id')
        .execute();
      return rows.map((r) => ({ pickId: toNumber(r.pick_id), model, vector: vectorFrom(r.vector) }));
    });
  }

  savePickVectors(vectors: readonly PickVector[]): Promise<void> {
    if (vectors.length === 0) return Promise.resolve();
    return this.use('keep pick vectors', () =>
      this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < vectors.length; i += INSERT_BATCH) {
          const rows = vectors.slice(i, i + INSERT_BATCH).map((v) => ({
            pick_id: v.pickId,
            model: v.model,
            vector: vectorBytes(v.vector),
          }));
          await trx
            .insertInto('pick_vectors')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['pick_id', 'model']).doUpdateSet((eb) => ({ vector: eb.ref('excluded.vector') })),
            )
            .execute();
        }
      }),
    );
  }

  revision(): Promise<number> {
    return this.use('read the revision', async () => {
      const row = await this.db
        .selectFrom('citebot_meta')
        .select('value')
        .where('key', '=', 'revision')
        .executeTakeFirstOrThrow();
      return toNumber(row.value);
    });
  }

  purge(before: number): Promise<PurgeReport> {
    return this.use('purge old rows', () =>
      this.db.transaction().execute((trx) => purgeBefore(trx, before, this.notifies)),
    );
  }

  close(): Promise<void> {
    return this.use('close', () => this.db.destroy());
  }

  /** Runs one update of a pick with the revision bump, in a transaction; true when a row changed. */
  #changePick(what: string, update: (trx: Transaction<Database>) => Promise<{ numUpdatedRows: bigint }>) {
    return this.use(what, () =>
      this.db.transaction().execute(async (trx) => {
        const { numUpdatedRows } = await update(trx);
        if (numUpdatedRows === 0n) return false;
        await bumpRevision(trx, this.notifies);
        return true;
      }),
    );
  }

  /** Runs `work`; a failure becomes a StoreError of one line naming the store and the work. */
  protected async use<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`${this.description}: could not ${what} (${describeError(error)})`, {
        cause: error,
      });
    }
  }
}
