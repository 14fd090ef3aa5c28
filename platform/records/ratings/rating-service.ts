/**
 * Ratings of records (a table's `ratings`): one rating per person per record in sys_rating, and the record's
 * rating_count and rating_average columns recomputed in SQL from those rows in the same transaction as the change.
 *
 * Access: a person rates, and sees the ratings of, only records they may read — the record is read through the
 * record service first, so an unreadable record answers `not_found` exactly like a missing one. The counters are
 * written straight to the record's row (not through the record service): they are the system's, carry no version
 * and no audit entry, so rating a record never conflicts with someone editing it.
 *
 * A rating with a comment on a table declaring `ratings.feedback` also creates a feedback record through the record
 * service, as the person rating (their access and the feedback table's rules apply; a refusal undoes the rating).
 */
import type { Knex } from 'knex';
import type { Formwork } from '../../context.js';
import type { ResolvedTable, TableRatings } from '../../definitions/types.js';
import { fail } from '../../errors.js';
import type { Actor, RecordData } from '../types.js';

/** The longest comment a rating takes, in characters. */
export const MAX_RATING_COMMENT = 2000;

/** What GET /rating answers: the record's ratings as its readers see them, and the caller's own. */
export interface RatingSummary {
  scale: TableRatings['scale'];
  /** Whether the table takes comments with ratings. */
  comments: boolean;
  count: number;
  /** Mean of the values: the share of "yes" (0..1) for "useful", 1..5 for stars; null before the first rating. */
  average: number | null;
  /** "useful" only: how many said yes and no. */
  yes?: number;
  no?: number;
  mine: { value: number; comment: string | null } | null;
}

/** A rating as a person gives it. */
export interface RatingInput {
  value: number;
  comment?: string | null;
}

/** The table and its ratings; `not_found` when the table takes none (`table_not_found` for an unknown one). */
function ratedTable(fw: Formwork, tableName: string): { table: ResolvedTable; ratings: TableRatings } {
  const table = fw.registry.current.getTable(tableName);
  const ratings = table.ratings;
  if (!ratings) fail('not_found', `Records of table "${table.name}" cannot be rated.`);
  return { table, ratings };
}

function requirePerson(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.id) fail('forbidden', 'Only a signed-in person can rate a record.');
  return actor.id;
}

/** Read the record as the actor (`not_found` when it is missing or they may not read it). */
async function assertReadable(fw: Formwork, table: ResolvedTable, id: string, actor: Actor, trx?: Knex.Transaction): Promise<void> {
  await fw.records.readOne(table.name, id, { actor, trx, fields: ['id'] });
}

/** The range check of a value on a scale: 0 or 1 for "useful", 1 to 5 for stars. */
function assertValue(ratings: TableRatings, input: RatingInput): void {
  const ok = ratings.scale === 'useful' ? input.value === 0 || input.value === 1 : input.value >= 1 && input.value <= 5;
  const message = ratings.scale === 'useful' ? 'Choose Yes (1) or No (0).' : 'Choose from 1 to 5 stars.';
  if (!ok) fail('validation_failed', `${message} Got ${input.value}.`, { fieldErrors: [{ field: 'value', code: 'range', message }] });
  const comment = input.comment ?? '';
  if (comment && !ratings.comments) {
    fail('validation_failed', 'Ratings of this table take no comment.', { fieldErrors: [{ field: 'comment', code: 'not_accepted', message: 'This rating takes no comment.' }] });
  }
  if (comment.length > MAX_RATING_COMMENT) {
    const m = `Keep the comment to ${MAX_RATING_COMMENT.toLocaleString('en-GB')} characters or fewer.`;
    fail('validation_failed', m, { fieldErrors: [{ field: 'comment', code: 'max_length', message: m }] });
  }
}

async function fetchSummary(
  knex: Knex | Knex.Transaction, table: ResolvedTable, ratings: TableRatings, id: string, userId: string | null,
): Promise<RatingSummary> {
  const key = { table_name: table.physical, record_id: id };
  const agg = await knex('sys_rating').where(key).first(knex.raw('count(*) as n'), knex.raw('coalesce(sum(value), 0) as total')) as { n: unknown; total: unknown };
  const count = Number(agg.n);
  const total = Number(agg.total);
  const mineRow = userId ? await knex('sys_rating').where({ ...key, user_id: userId }).first('value', 'comment') : undefined;
  const summary: RatingSummary = {
    scale: ratings.scale, comments: ratings.comments === true, count,
    average: count ? Math.round((total / count) * 10_000) / 10_000 : null,
    mine: mineRow ? { value: Number(mineRow.value), comment: mineRow.comment ?? null } : null,
  };
  if (ratings.scale === 'useful') Object.assign(summary, { yes: total, no: count - total });
  return summary;
}

/** Recompute the record's count and average from its ratings, in one UPDATE with subqueries. */
async function recompute(trx: Knex.Transaction, table: ResolvedTable, id: string): Promise<void> {
  const key = { table_name: table.physical, record_id: id };
  await trx(table.physical).where({ id }).update({
    rating_count: trx('sys_rating').where(key).count('*'),
    // `* 1.0`: an average of integers is an integer division on SQLite.
    rating_average: trx('sys_rating').where(key).select(trx.raw('round(avg(value * 1.0), 4)')),
  });
}

/** The record's ratings and the actor's own. Errors: table_not_found, not_found (no ratings, or no readable record). */
export async function fetchRating(fw: Formwork, tableName: string, id: string, actor: Actor): Promise<RatingSummary> {
  const { table, ratings } = ratedTable(fw, tableName);
  await assertReadable(fw, table, id, actor);
  return fetchSummary(fw.db.reader, table, ratings, id, actor.kind === 'user' ? actor.id ?? null : null);
}

/**
 * Give or change the actor's rating of a record, and return the new summary. A comment that is new or changed
 * goes to the feedback table when one is declared.
 * Errors: table_not_found, not_found, forbidden (no person, or the feedback record is refused), validation_failed.
 */
export async function rateRecord(fw: Formwork, tableName: string, id: string, actor: Actor, input: RatingInput): Promise<RatingSummary> {
  const { table, ratings } = ratedTable(fw, tableName);
  const userId = requirePerson(actor);
  assertValue(ratings, input);
  const comment = input.comment?.trim() || null;
  return fw.db.knex.transaction(async (trx) => {
    await assertReadable(fw, table, id, actor, trx);
    // The record's row lock orders concurrent ratings of one record, so each recount sees the ratings before it.
    await fw.db.dialect.lockRows(trx, table.physical, [id]);
    const key = { table_name: table.physical, record_id: id, user_id: userId };
    const previous = await trx('sys_rating').where(key).first('comment') as { comment: string | null } | undefined;
    const at = fw.clock.now().toISOString();
    await trx('sys_rating').insert({ ...key, value: input.value, comment, created_at: at, updated_at: at })
      .onConflict(['table_name', 'record_id', 'user_id']).merge(['value', 'comment', 'updated_at']);
    await recompute(trx, table, id);
    const feedback = ratings.feedback;
    if (feedback && comment && comment !== (previous?.comment ?? null)) {
      const target = fw.registry.current.getTable(feedback.table);
      const valueField = target.fields.get(feedback.fields.value);
      const data: RecordData = {
        [feedback.fields.record]: id,
        [feedback.fields.value]: valueField?.type === 'string' ? String(input.value) : input.value,
        [feedback.fields.comment]: comment,
      };
      await fw.records.createOne(feedback.table, data, { actor, trx });
    }
    return fetchSummary(trx, table, ratings, id, userId);
  });
}

/** Remove the actor's rating of a record (nothing to remove is fine) and return the new summary. */
export async function removeRating(fw: Formwork, tableName: string, id: string, actor: Actor): Promise<RatingSummary> {
  const { table, ratings } = ratedTable(fw, tableName);
  const userId = requirePerson(actor);
  return fw.db.knex.transaction(async (trx) => {
    await assertReadable(fw, table, id, actor, trx);
    await fw.db.dialect.lockRows(trx, table.physical, [id]);
    const removed = await trx('sys_rating').where({ table_name: table.physical, record_id: id, user_id: userId }).delete();
    if (removed) await recompute(trx, table, id);
    return fetchSummary(trx, table, ratings, id, userId);
  });
}
