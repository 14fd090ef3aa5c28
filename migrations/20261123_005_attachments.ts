import type { Knex } from 'knex';

/**
 * Attachments: `sys_attachment` holds one row of metadata per uploaded file (platform/files); its content lives in
 * the store the row names — `database` (chunked rows of `sys_attachment_blob`, so no file is ever one huge value)
 * or `files` (a directory, under a random name). Deleting an attachment sets `deleted_at`; the content stays until
 * a purge removes it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_attachment', (t) => {
    t.string('id', 36).primary();
    // The physical table of the record (as sys_audit), its id, and the attachment field.
    t.string('table_name', 100).notNullable();
    t.string('record_id', 36).notNullable();
    t.string('field', 100).notNullable();
    // The sanitised display name: never used to name anything stored.
    t.string('file_name', 255).notNullable();
    // The verified content type (the declared type, checked against the content).
    t.string('content_type', 150).notNullable();
    t.bigInteger('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('store', 20).notNullable();
    t.string('store_key', 100).notNullable();
    // 'clean' (an antivirus scanner found nothing) or 'unscanned' (only the built-in EICAR check ran).
    t.string('scan_status', 20).notNullable();
    t.string('created_by', 36);
    t.string('created_at', 30).notNullable();
    t.string('deleted_by', 36);
    t.string('deleted_at', 30);
    t.index(['table_name', 'record_id', 'field'], 'sys_attachment_record_idx');
  });

  await knex.schema.createTable('sys_attachment_blob', (t) => {
    t.string('blob_id', 36).notNullable();
    t.integer('seq').notNullable();
    t.binary('data').notNullable();
    t.primary(['blob_id', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_attachment_blob');
  await knex.schema.dropTableIfExists('sys_attachment');
}
