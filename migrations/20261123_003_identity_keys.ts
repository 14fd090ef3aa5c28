import type { Knex } from 'knex';

/**
 * Usernames are unique regardless of case ("Alice" and "alice" are one person): `username_key` holds the
 * lower-cased username under a unique index, which both SQLite and PostgreSQL enforce alike (an expression index
 * on lower() would depend on each database's collation). Also indexes for looking up a user's API tokens and access grants.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_user', (t) => {
    t.string('username_key', 100);
  });
  await knex('sys_user').update({ username_key: knex.raw('lower(username)') });
  await knex.schema.alterTable('sys_user', (t) => {
    t.unique(['username_key'], { indexName: 'sys_user_username_key_uq' });
  });
  await knex.schema.alterTable('sys_api_token', (t) => {
    t.index(['user_id'], 'sys_api_token_user_idx');
  });
  await knex.schema.alterTable('sys_access_grant', (t) => {
    t.index(['user_id'], 'sys_access_grant_user_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_access_grant', (t) => { t.dropIndex(['user_id'], 'sys_access_grant_user_idx'); });
  await knex.schema.alterTable('sys_api_token', (t) => { t.dropIndex(['user_id'], 'sys_api_token_user_idx'); });
  await knex.schema.alterTable('sys_user', (t) => {
    t.dropUnique(['username_key'], 'sys_user_username_key_uq');
    t.dropColumn('username_key');
  });
}
