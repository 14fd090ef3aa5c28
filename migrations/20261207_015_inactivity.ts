import type { Knex } from 'knex';

/**
 * Inactivity and revocation (platform/access/inactivity): when each person was last active and where their current
 * spell of inactivity stands, organisations' own inactivity settings, and revocation requests waiting for an
 * organisation administrator's decision.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_user', (t) => {
    // The last sign-in or authenticated request, written at most every few minutes (inactivity/activity.ts).
    t.string('last_active_at', 30);
    // The days-before of the last inactivity warning sent in the current spell (null: none yet); activity clears it.
    t.integer('inactivity_warned_days');
    // When the current spell's revocation took effect (null: not revoked); activity and re-enabling clear it.
    t.string('inactivity_revoked_at', 30);
    // The inactivity jobs read accounts in last-activity order: everyone's (the default settings) and one
    // organisation's (its own settings), each without reading the accounts of others.
    t.index(['status', 'last_active_at'], 'sys_user_inactivity_idx');
    t.index(['org_id', 'status', 'last_active_at'], 'sys_user_org_inactivity_idx');
  });
  // Until now activity was not recorded: the clock of everyone starts at their last sign-in, else at their creation.
  await knex('sys_user').update({ last_active_at: knex.raw('coalesce(last_sign_in_at, created_at)') });

  // An organisation's own settings (JSON, the members it overrides); absent: the jobs' parameters apply.
  await knex.schema.createTable('sys_inactivity_setting', (t) => {
    t.string('org_id', 36).primary().references('id').inTable('sys_org').onDelete('CASCADE');
    t.text('settings').notNullable();
    t.string('updated_at', 30).notNullable();
    t.string('updated_by', 100);
  });

  // A revocation asked for by someone who may not revoke at once: it takes effect only once approved.
  await knex.schema.createTable('sys_revocation_request', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    // The person's home organisation when asked: whose administrators decide.
    t.string('org_id', 36);
    t.text('reason').notNullable();
    // pending → approved | rejected
    t.string('status', 10).notNullable().defaultTo('pending');
    t.string('requested_by', 36);
    t.string('requested_by_name', 100);
    t.string('requested_at', 30).notNullable();
    t.string('decided_by', 36);
    t.string('decided_by_name', 100);
    t.string('decided_at', 30);
    t.text('decision_comment');
    t.index(['org_id', 'status'], 'sys_revocation_request_org_idx');
    t.index(['user_id', 'status'], 'sys_revocation_request_user_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sys_revocation_request');
  await knex.schema.dropTableIfExists('sys_inactivity_setting');
  await knex.schema.alterTable('sys_user', (t) => {
    t.dropIndex(['org_id', 'status', 'last_active_at'], 'sys_user_org_inactivity_idx');
    t.dropIndex(['status', 'last_active_at'], 'sys_user_inactivity_idx');
    t.dropColumn('inactivity_revoked_at');
    t.dropColumn('inactivity_warned_days');
    t.dropColumn('last_active_at');
  });
}
