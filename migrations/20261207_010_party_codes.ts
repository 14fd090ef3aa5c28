import type { Knex } from 'knex';

/**
 * Generic names for the codes organisations hold and their people act under ("party codes"; the tables were
 * named after one domain's "User ID"):
 *
 *   sys_org_user_id               → sys_party_code         (the codes an organisation holds)
 *   sys_user_user_id              → sys_user_party_code    (the codes a person acts under)
 *   sys_user_user_id.org_user_id  → party_code_id
 *   sys_access_grant.org_user_id  → party_code_id
 *   sys_consent.user_ids          → party_codes            (JSON array of the codes a consent names)
 *
 * Rows are kept: every step is a rename. Both databases carry foreign keys over to a renamed table or column.
 * The names of indexes and constraints follow: on PostgreSQL the primary keys, the unique code and the foreign
 * keys are named constraints (renaming a primary-key or unique constraint renames its index too); on SQLite the
 * constraints are unnamed and only the unique index on `code` has a name, which SQLite cannot rename in place,
 * so it is dropped and created again. Which database runs the migration is read from knex's client here because
 * a migration receives only the knex instance; services ask platform/db/dialects instead.
 */

const TABLES: readonly [string, string][] = [['sys_org_user_id', 'sys_party_code'], ['sys_user_user_id', 'sys_user_party_code']];
const COLUMNS: readonly [string, string, string][] = [
  ['sys_user_party_code', 'org_user_id', 'party_code_id'],
  ['sys_access_grant', 'org_user_id', 'party_code_id'],
  ['sys_consent', 'user_ids', 'party_codes'],
];
/** PostgreSQL constraint names: [table after the renames, name before, name after]. */
const CONSTRAINTS: readonly [string, string, string][] = [
  ['sys_party_code', 'sys_org_user_id_pkey', 'sys_party_code_pkey'],
  ['sys_party_code', 'sys_org_user_id_code_unique', 'sys_party_code_code_unique'],
  ['sys_party_code', 'sys_org_user_id_org_id_foreign', 'sys_party_code_org_id_foreign'],
  ['sys_user_party_code', 'sys_user_user_id_pkey', 'sys_user_party_code_pkey'],
  ['sys_user_party_code', 'sys_user_user_id_user_id_foreign', 'sys_user_party_code_user_id_foreign'],
  ['sys_user_party_code', 'sys_user_user_id_org_user_id_foreign', 'sys_user_party_code_party_code_id_foreign'],
  ['sys_access_grant', 'sys_access_grant_org_user_id_foreign', 'sys_access_grant_party_code_id_foreign'],
];
/** SQLite's named index on the code: [table after the renames, name before, name after]. */
const SQLITE_CODE_INDEX: readonly [string, string, string] = ['sys_party_code', 'sys_org_user_id_code_unique', 'sys_party_code_code_unique'];

const isPostgres = (knex: Knex) => knex.client.dialect === 'postgresql';

/** Rename the PostgreSQL constraints that exist under one name of each pair (a database made otherwise may lack some). */
async function renameConstraints(knex: Knex, pairs: readonly [string, string, string][]): Promise<void> {
  for (const [table, from, to] of pairs) {
    const found = await knex.raw(
      `select 1 from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
       where n.nspname = current_schema() and t.relname = ? and c.conname = ?`, [table, from]);
    if (found.rows.length) await knex.raw('alter table ?? rename constraint ?? to ??', [table, from, to]);
  }
}

async function renameSqliteIndex(knex: Knex, table: string, from: string, to: string, column: string): Promise<void> {
  await knex.raw('drop index if exists ??', [from]);
  await knex.raw('create unique index ?? on ?? (??)', [to, table, column]);
}

export async function up(knex: Knex): Promise<void> {
  for (const [from, to] of TABLES) await knex.schema.renameTable(from, to);
  for (const [table, from, to] of COLUMNS) await knex.schema.alterTable(table, (t) => { t.renameColumn(from, to); });
  if (isPostgres(knex)) await renameConstraints(knex, CONSTRAINTS);
  else await renameSqliteIndex(knex, SQLITE_CODE_INDEX[0], SQLITE_CODE_INDEX[1], SQLITE_CODE_INDEX[2], 'code');
}

export async function down(knex: Knex): Promise<void> {
  if (isPostgres(knex)) await renameConstraints(knex, CONSTRAINTS.map(([table, from, to]) => [table, to, from]));
  else await renameSqliteIndex(knex, SQLITE_CODE_INDEX[0], SQLITE_CODE_INDEX[2], SQLITE_CODE_INDEX[1], 'code');
  for (const [table, from, to] of [...COLUMNS].reverse()) await knex.schema.alterTable(table, (t) => { t.renameColumn(to, from); });
  for (const [from, to] of [...TABLES].reverse()) await knex.schema.renameTable(to, from);
}
