import type { Knex } from 'knex';

/**
 * Ratings and views of records of tables with `ratings` or `countViews` (platform/records/ratings/).
 *
 * `sys_rating`: one rating per person per record (the key), a value (0/1 for "useful", 1–5 for stars) and an
 * optional comment. `table_name` is the record's physical table, so a record rated through a table it extends and
 * through its own table is one record. The record's rating_count and rating_average are recomputed from these rows.
 *
 * `sys_record_view`: the last day (UTC, YYYY-MM-DD) each person viewed each record — one row per person and record,
 * not per visit, so it stays as small as the ratings. A view counts when the person's day moves on.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_rating', (t) => {
    t.string('table_name', 100).notNullable();
    t.string('record_id', 36).notNullable();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.integer('value').notNullable();
    t.text('comment');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    // Recomputing a record's count and average reads its ratings by the key's prefix.
    t.primary(['table_name', 'record_id', 'user_id'], 'sys_rating_pk');
  });
  await knex.schema.createTable('sys_record_view', (t) => {
    t.string('table_name', 100).notNullable();
    t.string('record_id', 36).notNullable();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('day', 10).notNullable();
    t.primary(['table_name', 'record_id', 'user_id'], 'sys_record_view_pk');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_record_view');
  await knex.schema.dropTableIfExists('sys_rating');
}
