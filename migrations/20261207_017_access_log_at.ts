import type { Knex } from 'knex';

/**
 * The access log's retention job deletes entries older than its period in batches: an index on `at` alone lets each
 * batch find the oldest entries without reading the whole log (the existing indexes lead with organisation or user).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_access_log', (t) => { t.index(['at'], 'sys_access_log_at_idx'); });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_access_log', (t) => { t.dropIndex(['at'], 'sys_access_log_at_idx'); });
}
