import type { Knex } from 'knex';

/**
 * The days from activity to the first warning, per group of people sharing inactivity settings (null: the group is
 * never warned), so the write of activity sets the next warning's real time (identity/activity.ts) instead of a bound
 * the next warning run had to work out again for everyone who paused for more than a day.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_inactivity_schedule', (t) => {
    t.integer('first_warning_days');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_inactivity_schedule', (t) => {
    t.dropColumn('first_warning_days');
  });
}
