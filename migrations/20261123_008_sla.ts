import type { Knex } from 'knex';

/**
 * SLAs (platform/workflow/sla): `sys_sla` holds one row per SLA definition and record — a new generation after a
 * reset, the cancelled one kept for the record's history. Times are ISO 8601 UTC text like every platform table;
 * durations are working milliseconds of the row's schedule.
 *
 * State: active (clock running), paused, breached (running past its due time), stopped (the stop condition
 * held), cancelled (reset, or the record deleted). `warned_at` / `breached_at` are set once, by the checker that
 * claims the row, so each event and action happens once however many instances poll.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_sla', (t) => {
    t.string('id', 36).primary();
    // The SLA definition's name, the record's table (its class) and id; generation counts resets from 1.
    t.string('sla', 100).notNullable();
    t.string('table_name', 100).notNullable();
    t.string('record_id', 36).notNullable();
    t.integer('generation').notNullable();
    t.string('state', 20).notNullable();
    // The schedule in force when the SLA started (null: 24×7), the duration and warning point in working ms.
    t.string('schedule', 100);
    t.bigInteger('duration_ms').notNullable();
    t.bigInteger('warning_ms');
    // Working time counted up to running_since (while running) or up to the pause / stop.
    t.bigInteger('business_elapsed_ms').notNullable();
    // Wall-clock time spent paused, before the current pause.
    t.bigInteger('paused_ms').notNullable();
    t.string('started_at', 30).notNullable();
    t.string('running_since', 30);
    t.string('paused_since', 30);
    // When the running clock reaches the warning point / the duration (see platform/workflow/sla/sla-timer.ts).
    t.string('warn_at', 30);
    t.string('due_at', 30);
    t.string('warned_at', 30);
    t.string('breached_at', 30);
    t.string('stopped_at', 30);
    t.string('cancelled_at', 30);
    // Optimistic concurrency between record writes and the checker.
    t.integer('version').notNullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.unique(['record_id', 'sla', 'generation'], { indexName: 'sys_sla_record_uq' });
    t.index(['due_at'], 'sys_sla_due_idx');
    t.index(['warn_at'], 'sys_sla_warn_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_sla');
}
