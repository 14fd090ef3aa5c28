import type { Knex } from 'knex';

/**
 * A person's line manager: `sys_user.manager_id`, another user (nullable; emptied when that user row goes, though
 * accounts are only ever soft-deleted). Workflow approvals ask "the manager of the person a field names" through it.
 * The column is added with plain `alter table … add column … references`, which both databases run in place: knex's
 * SQLite path for a foreign key in `alterTable` would copy the whole table instead.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? add column ?? varchar(36) null references ?? (??) on delete set null', ['sys_user', 'manager_id', 'sys_user', 'id']);
  await knex.schema.alterTable('sys_user', (t) => { t.index(['manager_id'], 'sys_user_manager_idx'); });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_user', (t) => { t.dropIndex(['manager_id'], 'sys_user_manager_idx'); });
  await knex.schema.alterTable('sys_user', (t) => { t.dropColumn('manager_id'); });
}
