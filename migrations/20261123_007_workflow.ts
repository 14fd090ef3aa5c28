import type { Knex } from 'knex';

/**
 * Workflow tables: work queues and their members, approvals, delegations while away, and the durable timers the
 * timer runner claims. Times are ISO 8601 UTC strings (as everywhere in the platform's tables), so comparing them
 * as text orders them in time on both SQLite and PostgreSQL.
 */
export async function up(knex: Knex): Promise<void> {
  // Organisation queues (assignment groups). A queue without an organisation is shared by every organisation.
  await knex.schema.createTable('sys_queue', (t) => {
    t.string('id', 36).primary();
    t.string('name', 100).notNullable().unique();
    t.string('label', 200).notNullable();
    t.string('org_id', 36).references('id').inTable('sys_org');
    t.text('description');
    t.string('created_at', 30).notNullable();
  });

  await knex.schema.createTable('sys_queue_member', (t) => {
    t.string('queue_id', 36).notNullable().references('id').inTable('sys_queue').onDelete('CASCADE');
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('created_at', 30).notNullable();
    t.primary(['queue_id', 'user_id']);
    t.index(['user_id'], 'sys_queue_member_user_idx');
  });

  // One row per approver asked: `round` groups the rows of one entry into the approval's state, `stage` orders
  // the approvals of a round. status: requested → approved | rejected | cancelled (no longer needed).
  await knex.schema.createTable('sys_approval', (t) => {
    t.string('id', 36).primary();
    t.string('table_name', 100).notNullable();
    t.string('record_id', 36).notNullable();
    t.string('workflow', 100).notNullable();
    t.string('approval', 100).notNullable();
    t.string('state', 100).notNullable();
    t.string('round', 36).notNullable();
    t.integer('stage').notNullable();
    t.string('mode', 10).notNullable();
    t.integer('quorum');
    t.string('approver_id', 36).notNullable();
    t.string('approver_name', 100).notNullable();
    t.string('status', 20).notNullable();
    // Who decided: the approver, or someone acting for them under a delegation.
    t.string('decided_by', 36);
    t.string('decided_by_name', 100);
    t.text('comment');
    t.string('requested_at', 30).notNullable();
    t.string('decided_at', 30);
    t.index(['table_name', 'record_id', 'round'], 'sys_approval_record_idx');
    t.index(['approver_id', 'status'], 'sys_approval_approver_idx');
  });

  // While `user_id` is away (from valid_from until valid_to, open-ended when null) `delegate_id` may decide their
  // approvals.
  await knex.schema.createTable('sys_delegation', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('delegate_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('valid_from', 30).notNullable();
    t.string('valid_to', 30);
    t.string('created_at', 30).notNullable();
    t.string('created_by', 36);
    t.index(['delegate_id'], 'sys_delegation_delegate_idx');
    t.index(['user_id'], 'sys_delegation_user_idx');
  });

  // A scheduled timed transition. Due rows (done_at and cancelled_at null, due_at reached) are claimed by setting
  // claimed_at / claimed_by in one conditional UPDATE, so one runner among several instances takes each; a claim
  // older than the lease is taken over (its runner died). The transition and done_at commit together.
  await knex.schema.createTable('sys_workflow_timer', (t) => {
    t.string('id', 36).primary();
    t.string('table_name', 100).notNullable();
    t.string('record_id', 36).notNullable();
    t.string('workflow', 100).notNullable();
    t.string('timer', 100).notNullable();
    t.string('state', 100).notNullable();
    t.string('transition', 100).notNullable();
    t.string('due_at', 30).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('claimed_at', 30);
    t.string('claimed_by', 64);
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('done_at', 30);
    t.string('cancelled_at', 30);
    // done | skipped (its condition no longer held) | failed (after the last attempt); error: why.
    t.string('outcome', 20);
    t.text('error');
    t.index(['done_at', 'cancelled_at', 'due_at'], 'sys_workflow_timer_due_idx');
    t.index(['table_name', 'record_id'], 'sys_workflow_timer_record_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['sys_workflow_timer', 'sys_delegation', 'sys_approval', 'sys_queue_member', 'sys_queue']) {
    await knex.schema.dropTableIfExists(t);
  }
}
