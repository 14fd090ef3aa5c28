import type { Knex } from 'knex';

/**
 * What a person changed lately, newest first (the home page's "Recently changed by you"): an index on sys_audit by
 * actor and time, so the look-up reads one person's latest entries instead of scanning the whole history.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_audit', (t) => { t.index(['actor_id', 'changed_at'], 'sys_audit_actor_idx'); });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_audit', (t) => { t.dropIndex(['actor_id', 'changed_at'], 'sys_audit_actor_idx'); });
}
