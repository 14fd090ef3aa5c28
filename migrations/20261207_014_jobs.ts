import type { Knex } from 'knex';

/**
 * Scheduled jobs (platform/jobs): one row per run, and the administrator's runtime overrides of a job definition.
 *
 * Exactly once: a scheduled fire is claimed by inserting its run row, unique on (job, fire_at, attempt), so of
 * several instances exactly one inserts it (a manual run has no fire_at, and NULLs never collide). A second partial
 * unique index allows one running run per job, so a job never overlaps itself whichever instance starts it.
 * Times are ISO 8601 UTC strings, like every sys_* table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sys_job_run', (t) => {
    t.string('id', 36).primary();
    t.string('job', 100).notNullable();
    t.string('fire_at', 30);
    // schedule | manual | retry | missed
    t.string('trigger', 10).notNullable();
    t.integer('attempt').notNullable().defaultTo(1);
    // running → succeeded | failed | cancelled | timed_out
    t.string('status', 10).notNullable();
    t.string('started_at', 30).notNullable();
    t.string('finished_at', 30);
    t.string('heartbeat_at', 30).notNullable();
    // A running run whose lease passed belongs to an instance that stopped: any instance marks it failed.
    t.string('lease_until', 30).notNullable();
    t.string('instance', 64).notNullable();
    t.integer('examined').notNullable().defaultTo(0);
    t.integer('changed').notNullable().defaultTo(0);
    t.integer('failed').notNullable().defaultTo(0);
    t.integer('progress_done');
    t.integer('progress_total');
    t.text('error');
    t.string('started_by_id', 36);
    t.string('started_by_name', 200);
    t.boolean('cancel_requested').notNullable().defaultTo(false);
    // Set on a failed run with tries left: when its retry is due; cleared by the instance that claims the retry.
    t.string('retry_at', 30);
    t.unique(['job', 'fire_at', 'attempt'], { indexName: 'sys_job_run_fire_uq' });
    t.index(['job', 'started_at'], 'sys_job_run_job_idx');
    t.index(['status'], 'sys_job_run_status_idx');
    t.index(['retry_at'], 'sys_job_run_retry_idx');
  });
  await knex.raw("create unique index sys_job_run_running_uq on sys_job_run (job) where status = 'running'");

  await knex.schema.createTable('sys_job_override', (t) => {
    t.string('job', 100).primary();
    t.string('schedule', 200);
    t.string('time_zone', 100);
    t.boolean('enabled');
    t.text('parameters');
    t.string('updated_by', 200);
    t.string('updated_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_job_override');
  await knex.schema.dropTableIfExists('sys_job_run');
}
