/**
 * The FleetStore (fleet-types.ts) on the store's Kysely database: the answers behind buttons, the
 * "Post to channel" claims and the cooldown buckets, each call one or two short statements in the
 * same dialect-neutral SQL as the rest (an upsert with `returning` on both SQLite and PostgreSQL).
 */
import type { Kysely } from 'kysely';
import { sql } from './kysely.js';
import type { ButtonAnswerRecord, CooldownCount, FleetPurgeReport, FleetStore } from './fleet-types.js';
import { COOLDOWN_BUCKETS } from './fleet-types.js';
import { KyselyFeedbackStore } from './queries.js';
import type { Database } from './schema.js';
import { toNumber } from './schema.js';
import type { PurgeReport } from './types.js';

/** How long a post claim is kept by default (a day: far past the answer's 15 minutes). */
const CLAIM_TTL_MS = 24 * 60 * 60 * 1000;

/** The length of one cooldown bucket for a window (whole ms, at least 1). */
export function bucketMs(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / COOLDOWN_BUCKETS));
}

/**
 * The ms to wait before a question is allowed, given the counts of the buckets in the window
 * (oldest first): each bucket leaves the window `windowMs` after its end, so a question counts for
 * at least `windowMs` and at most one bucket more.
 */
export function cooldownWait(
  buckets: readonly { start: number; count: number }[],
  limit: number,
  windowMs: number,
  now: number,
): number {
  let total = buckets.reduce((n, b) => n + b.count, 0);
  const size = bucketMs(windowMs);
  for (const b of buckets) {
    if (total < limit) break;
    total -= b.count;
    if (total < limit) return Math.max(1, b.start + size + windowMs - now);
  }
  return 0;
}

/** The FeedbackStore plus the FleetStore; KyselyStore (queries-corpus.ts) adds the corpus. */
export class KyselyFleetStore extends KyselyFeedbackStore implements FleetStore {
  /**
   * @param shared true when other processes use the same database (PostgreSQL).
   * @param options `notify`: the revision bumps notify other instances (PostgreSQL).
   */
  constructor(
    db: Kysely<Database>,
    description: string,
    readonly shared = false,
    options: { notify?: boolean } = {},
  ) {
    super(db, description, options);
  }

  /** The feedback's purge (older than `before`), then the expired shared state (at this time). */
  override async purge(before: number): Promise<PurgeReport> {
    const report = await super.purge(before);
    await this.purgeFleet();
    return report;
  }

  putButtonAnswer(record: ButtonAnswerRecord): Promise<void> {
    return this.use('keep an answer for its buttons', async () => {
      const row = {
        id: record.id,
        user_id: record.userId,
        payload: record.payload,
        created_at: record.createdAt,
        expires_at: record.expiresAt,
      };
      const { id: _id, ...rest } = row;
      await this.db
        .insertInto('button_answers')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(rest))
        .execute();
    });
  }

  getButtonAnswer(id: string, now = Date.now()): Promise<ButtonAnswerRecord | undefined> {
    return this.use('read an answer for its buttons', async () => {
      const row = await this.db
        .selectFrom('button_answers')
        .selectAll()
        .where('id', '=', id)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        userId: row.user_id,
        payload: row.payload,
        createdAt: toNumber(row.created_at),
        expiresAt: toNumber(row.expires_at),
      };
    });
  }

  claimPost(answerId: string, at = Date.now()): Promise<boolean> {
    return this.use('claim a post', async () => {
      const row = await this.db
        .insertInto('post_claims')
        .values({ answer_id: answerId, claimed_at: at })
        .onConflict((oc) => oc.column('answer_id').doNothing())
        .returning('answer_id')
        .executeTakeFirst();
      return row !== undefined;
    });
  }

  releasePost(answerId: string): Promise<void> {
    return this.use('release a post claim', async () => {
      await this.db.deleteFrom('post_claims').where('answer_id', '=', answerId).execute();
    });
  }

  takeCooldown(userId: string, limit: number, windowMs: number, now = Date.now()): Promise<CooldownCount> {
    return this.use('count a question', async () => {
      const size = bucketMs(windowMs);
      const start = Math.floor(now / size) * size;
      const since = now - windowMs - size;
      // The earlier buckets of the window, summed (only the current bucket is ever incremented).
      const earlier = sql<number>`(select coalesce(sum(e.count), 0) from cooldowns e
        where e.user_id = ${userId} and e.window_start > ${since} and e.window_start < ${start})`;
      // One statement: a new bucket is inserted, or the current one incremented, only while there is
      // room. A concurrent increment of the same bucket waits for the row, then sees its new count.
      const counted = await sql<{
        count: unknown;
        earlier: unknown;
      }>`insert into cooldowns (user_id, window_start, count)
        select ${userId}, ${start}, 1 where ${earlier} < ${limit}
        on conflict (user_id, window_start) do update set count = cooldowns.count + 1
        where cooldowns.count + ${earlier} < ${limit}
        returning count, ${earlier} as earlier`.execute(this.db);
      const row = counted.rows[0];
      if (row) return { wait: 0, used: toNumber(row.count as number) + toNumber(row.earlier as number) };
      const rows = await this.db
        .selectFrom('cooldowns')
        .select(['window_start', 'count'])
        .where('user_id', '=', userId)
        .where('window_start', '>', since)
        .orderBy('window_start')
        .execute();
      const buckets = rows.map((r) => ({ start: toNumber(r.window_start), count: toNumber(r.count) }));
      const used = buckets.reduce((n, b) => (b.start + size + windowMs > now ? n + b.count : n), 0);
      return { wait: Math.max(1, cooldownWait(buckets, limit, windowMs, now)), used };
    });
  }

  refundCooldown(userId: string, windowMs: number, now = Date.now()): Promise<void> {
    return this.use('give back a question', async () => {
      const size = bucketMs(windowMs);
      await this.#decrement(userId, Math.floor(now / size) * size);
    });
  }

  purgeFleet(now = Date.now(), claimTtlMs = CLAIM_TTL_MS): Promise<FleetPurgeReport> {
    return this.use('purge expired shared state', async () => {
      const answers = await this.db
        .deleteFrom('button_answers')
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      const claims = await this.db
        .deleteFrom('post_claims')
        .where('claimed_at', '<', now - claimTtlMs)
        .executeTakeFirst();
      // No window is longer than a claim's lifetime's worth of buckets in practice; a day is ample.
      const cooldowns = await this.db
        .deleteFrom('cooldowns')
        .where((eb) => eb.or([eb('window_start', '<', now - claimTtlMs), eb('count', '<=', 0)]))
        .executeTakeFirst();
      return {
        buttonAnswers: Number(answers.numDeletedRows),
        postClaims: Number(claims.numDeletedRows),
        cooldowns: Number(cooldowns.numDeletedRows),
      };
    });
  }

  /** One question fewer in a bucket (never below zero). */
  async #decrement(userId: string, start: number): Promise<void> {
    await this.db
      .updateTable('cooldowns')
      .set({ count: sql<number>`${sql.ref('count')} - 1` })
      .where('user_id', '=', userId)
      .where('window_start', '=', start)
      .where('count', '>', 0)
      .execute();
  }
}
