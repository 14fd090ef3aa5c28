import type { Knex } from 'knex';

/**
 * The service catalogue's cart: one row per line a person has put in it — the item (by name), the quantity, the
 * answers and the ids of staged files, as JSON text — until they check out (which turns every line into a requested
 * item of one request and removes the lines, in one transaction) or remove the line. Requests and requested items
 * themselves are ordinary record tables declared in definitions/core; staged files are sys_attachment rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_catalog_cart_item', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('item', 100).notNullable();
    t.integer('quantity').notNullable().defaultTo(1);
    t.text('variables').notNullable();
    t.text('attachments').notNullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['user_id', 'created_at'], 'sys_catalog_cart_item_user_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_catalog_cart_item');
}
