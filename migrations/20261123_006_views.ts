import type { Knex } from 'knex';

/**
 * Saved personal views of lists (seed 003 FR-008 "bespoke view"): `sys_saved_view` holds, per person and table,
 * a named filter (a condition, as JSON), sort (`-opened_at,priority`) and column list (JSON array of field
 * names). A name is unique per person and table. Shared views are not stored here: they are menu items.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_saved_view', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('table_name', 100).notNullable();
    t.string('name', 100).notNullable();
    t.text('filter');
    t.string('sort', 500);
    t.text('columns');
    t.string('created_at', 30).notNullable();
    t.unique(['user_id', 'table_name', 'name'], { indexName: 'sys_saved_view_user_table_name_uq' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_saved_view');
}
