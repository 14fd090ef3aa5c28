import type { Knex } from 'knex';

/**
 * The event outbox: events emitted by business rules (and later workflows), written in the same transaction as the
 * record operation that caused them, so an event exists only for a write that committed. Consumers (notifications)
 * read rows with `processed_at` null in `created_at` order and set `processed_at` when done.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_event', (t) => {
    t.string('id', 36).primary();
    // Dotted lower-case name, e.g. "task.resolved".
    t.string('name', 100).notNullable();
    // The logical table (class) of the record the event is about, and its id.
    t.string('table_name', 100);
    t.string('record_id', 36);
    // JSON object: the event's payload (rendered templates).
    t.text('payload').notNullable();
    // Who caused it: the user whose operation ran the rule, and what emitted it (e.g. "rule:escalate").
    t.string('actor_id', 36);
    t.string('actor_name', 200);
    t.string('source', 200);
    t.string('created_at', 30).notNullable();
    t.string('processed_at', 30);
    t.index(['processed_at', 'created_at'], 'sys_event_pending_idx');
    t.index(['table_name', 'record_id'], 'sys_event_record_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_event');
}
