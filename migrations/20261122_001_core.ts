import type { Knex } from 'knex';

/** Platform tables for the record engine: sequences, field history, journal, schema state, users, organisations. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_sequence', (t) => {
    t.string('name', 100).primary();
    t.bigInteger('value').notNullable().defaultTo(0);
  });

  // One row per record operation; `changes` holds {field: [old, new]} so a create with many fields costs one
  // row, and the history API flattens it into (who, when, field, old, new) entries.
  await knex.schema.createTable('sys_audit', (t) => {
    t.string('id', 36).primary();
    t.string('table_name', 100).notNullable();
    t.string('record_id', 36).notNullable();
    t.string('operation', 10).notNullable();
    t.integer('version').notNullable();
    t.text('changes').notNullable();
    t.string('actor_id', 36);
    t.string('actor_name', 200).notNullable();
    t.string('changed_at', 30).notNullable();
    t.index(['table_name', 'record_id', 'changed_at'], 'sys_audit_record_idx');
  });

  await knex.schema.createTable('sys_journal', (t) => {
    t.string('id', 36).primary();
    t.string('table_name', 100).notNullable();
    t.string('record_id', 36).notNullable();
    t.string('field', 100).notNullable();
    t.string('entry_type', 20).notNullable();
    t.text('body').notNullable();
    t.string('created_by', 36);
    t.string('created_by_name', 200).notNullable();
    t.string('created_at', 30).notNullable();
    t.index(['table_name', 'record_id', 'created_at'], 'sys_journal_record_idx');
  });

  // What schema sync last applied to each declared physical table: the baseline for refusing destructive changes.
  await knex.schema.createTable('sys_table_schema', (t) => {
    t.string('table_name', 100).primary();
    t.text('columns').notNullable();
    t.string('applied_at', 30).notNullable();
  });

  await knex.schema.createTable('sys_org', (t) => {
    t.string('id', 36).primary();
    t.string('code', 60).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('created_at', 30).notNullable();
  });

  await knex.schema.createTable('sys_user', (t) => {
    t.string('id', 36).primary();
    t.string('username', 100).notNullable().unique();
    t.string('display_name', 200);
    t.string('email', 254);
    t.string('status', 20).notNullable().defaultTo('active');
    t.string('org_id', 36).references('id').inTable('sys_org');
    t.string('created_at', 30).notNullable();
  });

  // Demo and seed data files applied once, by name and content hash.
  await knex.schema.createTable('sys_seed', (t) => {
    t.string('name', 200).primary();
    t.string('hash', 64).notNullable();
    t.string('applied_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['sys_seed', 'sys_user', 'sys_org', 'sys_table_schema', 'sys_journal', 'sys_audit', 'sys_sequence']) {
    await knex.schema.dropTableIfExists(t);
  }
}
