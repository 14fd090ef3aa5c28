import type { Knex } from 'knex';

/**
 * When each person's next inactivity warning is due (platform/access/inactivity/selection.ts), so the warning job
 * reads only the people due now instead of everyone inside the warning windows (most of whom were warned already).
 * Null means "not worked out yet": activity, re-enabling and new accounts leave it null and the next warning run
 * works it out, set-based. The settings the times were worked out with are kept per group of people, so a change
 * of settings (the job's parameters, an organisation's own settings) makes the next run work them out again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_user', (t) => {
    // ISO time of the next warning of the current spell; far in the future when none is left (see WARN_NONE).
    t.string('inactivity_warn_at', 30);
    // Everyone's (the default settings) and one organisation's (its own settings); with the id, the keyset cursor's
    // tie-breaker, so pages come in index order without a sort. Without status: the accounts due are few and in use
    // (others hold a time far ahead), and a change of status (revoking, disabling) then leaves these indexes alone.
    t.index(['inactivity_warn_at', 'id'], 'sys_user_inactivity_warn_idx');
    t.index(['org_id', 'inactivity_warn_at', 'id'], 'sys_user_org_inactivity_warn_idx');
  });
  // Per group of people sharing settings ('*': the default group; else an organisation's id): the settings that
  // decide warning times (period, warnings, and for the default group the organisations left out of it).
  await knex.schema.createTable('sys_inactivity_schedule', (t) => {
    t.string('group_key', 36).primary();
    t.text('settings').notNullable();
    t.string('updated_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_inactivity_schedule');
  await knex.schema.alterTable('sys_user', (t) => {
    t.dropIndex(['org_id', 'inactivity_warn_at', 'id'], 'sys_user_org_inactivity_warn_idx');
    t.dropIndex(['inactivity_warn_at', 'id'], 'sys_user_inactivity_warn_idx');
    t.dropColumn('inactivity_warn_at');
  });
}
