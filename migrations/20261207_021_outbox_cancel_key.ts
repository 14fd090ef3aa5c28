import type { Knex } from 'knex';

/**
 * A cancel key on outgoing mail (platform/notify/outbox.ts): the writer of a message that a later event makes moot
 * names it, and that event cancels what is still pending under the key in one statement — before it is sent, never
 * after. Null (most mail): nothing cancels it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_outbox', (t) => {
    t.string('cancel_key', 200);
    // The cancelling statement reads only the key's rows; the status narrows them to those still pending.
    t.index(['cancel_key', 'status'], 'sys_outbox_cancel_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_outbox', (t) => {
    t.dropIndex(['cancel_key', 'status'], 'sys_outbox_cancel_idx');
    t.dropColumn('cancel_key');
  });
}
