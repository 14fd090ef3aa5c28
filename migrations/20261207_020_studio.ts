import type { Knex } from 'knex';

/**
 * The studio's definition layer (platform/studio): change sets and their edited definitions, and the registry
 * versions published from them.
 *
 * A version stores its whole published layer as one row per definition (`sys_studio_layer`), not a delta, so any
 * two versions can be compared and a rollback republishes an earlier layer as it was. Version 0 is the files alone
 * and has no row. An item's `revision` is the optimistic-concurrency token of a draft edit (If-Match). Tables and
 * columns that only the layer declared and that a rollback or a deletion took out are kept in the database, their
 * data with them: `sys_studio_hidden` lists them so schema sync leaves them as they are. Times are ISO 8601 UTC.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_studio_change_set', (t) => {
    t.string('id', 36).primary();
    t.string('name', 200).notNullable();
    // draft → published | discarded
    t.string('status', 10).notNullable();
    t.text('comment');
    t.string('author_id', 36);
    t.string('author_name', 200).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.integer('published_version');
    t.index(['status', 'created_at'], 'sys_studio_change_set_status_idx');
  });

  await knex.schema.createTable('sys_studio_item', (t) => {
    t.string('change_set_id', 36).notNullable();
    t.string('kind', 60).notNullable();
    t.string('name', 200).notNullable();
    // The whole definition as edited; null with `deleted` for a deletion.
    t.text('definition');
    t.boolean('deleted').notNullable().defaultTo(false);
    // The published version the first edit started from: publishing refuses it when the layer changed it since.
    t.integer('base_version').notNullable();
    t.integer('revision').notNullable();
    t.string('updated_by', 200).notNullable();
    t.string('updated_at', 30).notNullable();
    t.primary(['change_set_id', 'kind', 'name']);
  });

  await knex.schema.createTable('sys_studio_version', (t) => {
    t.integer('number').primary();
    // A UUID for the audit trail, whose record ids are UUIDs.
    t.string('id', 36).notNullable().unique();
    t.string('author_id', 36);
    t.string('author_name', 200).notNullable();
    t.string('created_at', 30).notNullable();
    t.text('comment');
    t.string('change_set_id', 36);
    t.integer('rollback_of');
    // The registry's content hash once this version was in force.
    t.string('registry_version', 64).notNullable();
  });

  await knex.schema.createTable('sys_studio_layer', (t) => {
    t.integer('version').notNullable();
    t.string('kind', 60).notNullable();
    t.string('name', 200).notNullable();
    t.text('definition').notNullable();
    t.primary(['version', 'kind', 'name']);
  });

  await knex.schema.createTable('sys_studio_hidden', (t) => {
    t.string('table_name', 200).notNullable();
    // '' for the whole table.
    t.string('column_name', 200).notNullable().defaultTo('');
    t.integer('version').notNullable();
    t.primary(['table_name', 'column_name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['sys_studio_hidden', 'sys_studio_layer', 'sys_studio_version', 'sys_studio_item', 'sys_studio_change_set']) {
    await knex.schema.dropTableIfExists(table);
  }
}
