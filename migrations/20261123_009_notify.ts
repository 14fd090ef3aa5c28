import type { Knex } from 'knex';

/**
 * Notifications (platform/notify): in-app notifications, the mail outbox, and the dispatcher's progress through
 * the record changes it derives "created" / "updated" / "fieldChange" triggers from (sys_audit).
 */
export async function up(knex: Knex): Promise<void> {
  // The notification centre: one row per person and notification; read_at null while unread.
  await knex.schema.createTable('sys_notification', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    // The notification definition that produced it, and the event or audit row it came from.
    t.string('notification', 100).notNullable();
    t.string('source_id', 36);
    t.string('title', 300).notNullable();
    t.text('body').notNullable();
    t.string('table_name', 100);
    t.string('record_id', 36);
    // In-app path of the record's history, e.g. /tables/incident/<id>#activity.
    t.string('url', 500);
    t.string('created_at', 30).notNullable();
    t.string('read_at', 30);
    t.index(['user_id', 'created_at'], 'sys_notification_user_idx');
    t.index(['user_id', 'read_at'], 'sys_notification_unread_idx');
  });

  // The transactional mail outbox: rows written in the dispatcher's transaction, sent after commit by the sender.
  // status: pending → sending (claimed until claimed_until) → sent | failed; a claim past claimed_until is retried.
  await knex.schema.createTable('sys_outbox', (t) => {
    t.string('id', 36).primary();
    t.string('notification', 100);
    t.string('source_id', 36);
    t.string('user_id', 36);
    t.string('to_address', 254).notNullable();
    t.string('subject', 300).notNullable();
    t.text('text').notNullable();
    t.text('html');
    t.string('status', 10).notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('next_attempt_at', 30).notNullable();
    t.string('claim_token', 36);
    t.string('claimed_until', 30);
    t.string('last_error', 500);
    t.string('created_at', 30).notNullable();
    t.string('sent_at', 30);
    t.index(['status', 'next_attempt_at'], 'sys_outbox_due_idx');
  });

  // How far the dispatcher has read sys_audit (an id: ids are time-ordered UUIDs), and the audit rows it has
  // handled after that point. A row committed late (its transaction still open when later rows were read) has an
  // id below rows already handled: the dispatcher re-reads a look-back window and skips the ids listed here.
  await knex.schema.createTable('sys_notify_cursor', (t) => {
    t.string('name', 60).primary();
    t.string('position', 36).notNullable();
    t.string('updated_at', 30).notNullable();
  });
  await knex.schema.createTable('sys_notify_seen', (t) => {
    t.string('audit_id', 36).primary();
    t.string('outcome', 10).notNullable();
    t.string('processed_at', 30).notNullable();
  });
  // History written before notifications existed is not notified: neither the record changes nor the events that
  // nothing consumed until now.
  const now = new Date().toISOString();
  const last = await knex('sys_audit').max({ id: 'id' }).first();
  await knex('sys_notify_cursor').insert({ name: 'audit', position: (last?.id as string | null) ?? '', updated_at: now });
  await knex('sys_event').whereNull('processed_at').update({ processed_at: now });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['sys_notify_seen', 'sys_notify_cursor', 'sys_outbox', 'sys_notification']) await knex.schema.dropTableIfExists(t);
}
