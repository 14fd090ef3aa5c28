/**
 * View counts (a table's `countViews`). What counts: a person opening a record, at most once per person, record and
 * day (UTC). Reloading the page, or opening the record again the same day, adds nothing, so the count measures
 * reach over time rather than clicks. sys_record_view keeps only each person's last day per record; a view counts
 * when that day moves on, and the record's view_count goes up by one in the same transaction.
 */
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import type { Actor } from '../types.js';

/** What POST /view answers: whether this view counted, and the record's views now. */
export interface ViewResult {
  counted: boolean;
  views: number;
}

/**
 * Count a view of a record by the actor. Views by the system (no person) are not counted.
 * Errors: table_not_found, not_found (the table counts no views, or the record is missing or unreadable).
 */
export async function countView(fw: Formwork, tableName: string, id: string, actor: Actor): Promise<ViewResult> {
  const registry = fw.registry.current;
  const table = registry.getTable(tableName);
  if (!table.fields.has('view_count')) fail('not_found', `Views of records of table "${table.name}" are not counted.`);
  return fw.db.knex.transaction(async (trx) => {
    await fw.records.readOne(table.name, id, { actor, trx, fields: ['id'] });
    const userId = actor.kind === 'user' ? actor.id : null;
    let counted = false;
    if (userId) {
      // The record's row lock orders concurrent views of one record: no two inserts of one key, no lost increment.
      await fw.db.dialect.lockRows(trx, table.physical, [id]);
      const day = fw.clock.now().toISOString().slice(0, 10);
      const key = { table_name: table.physical, record_id: id, user_id: userId };
      const last = await trx('sys_record_view').where(key).first('day') as { day: string } | undefined;
      if (!last) await trx('sys_record_view').insert({ ...key, day });
      else if (last.day < day) await trx('sys_record_view').where(key).update({ day });
      counted = !last || last.day < day;
      if (counted) await trx(table.physical).where({ id }).update({ view_count: trx.raw('coalesce(??, 0) + 1', ['view_count']) });
    }
    const row = await trx(table.physical).where({ id }).first('view_count') as { view_count: unknown } | undefined;
    return { counted, views: Number(row?.view_count ?? 0) };
  });
}
