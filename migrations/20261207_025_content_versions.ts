import type { Knex } from 'knex';

/**
 * Published versions of a record's content (platform/versions): one row per version, written in the record write's
 * transaction whenever a write leaves a versioned record published with content that differs from its last version.
 * `values` holds the content fields as the API reads them (JSON); `created_by_name` keeps the author's username, so a
 * version still names someone whose account is gone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_content_version', (t) => {
    t.string('id', 36).primary();
    t.string('table_name', 100).notNullable();
    t.string('record_id', 36).notNullable();
    t.integer('number').notNullable();
    t.text('values').notNullable();
    // The record's own version the publishing write left it at: history after it is the draft's.
    t.integer('record_version').notNullable();
    t.string('created_at', 30).notNullable();
    t.string('created_by', 36);
    t.string('created_by_name', 200).notNullable();
    // Numbers are per record; the unique index also serves "the latest version of these records" (a list's page).
    t.unique(['table_name', 'record_id', 'number'], { indexName: 'sys_content_version_number_uq' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_content_version');
}
