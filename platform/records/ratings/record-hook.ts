import type { RecordHook } from '../hooks.js';

/**
 * The ratings' record hook: a deleted record's ratings and view marks go with it, in the delete's transaction, so a
 * record never leaves rows behind that nothing can reach. Tables without counters are skipped without a statement.
 */
export function ratingsRecordHook(): RecordHook {
  return {
    name: 'ratings',
    async after(ctx, record) {
      if (ctx.operation !== 'delete') return;
      const key = { table_name: ctx.table.physical, record_id: record.id as string };
      if (ctx.table.fields.has('rating_count')) await ctx.trx('sys_rating').where(key).delete();
      if (ctx.table.fields.has('view_count')) await ctx.trx('sys_record_view').where(key).delete();
    },
  };
}
