/**
 * What the dispatcher reads: the things that happened, in order, each claimed exactly once across instances in the
 * transaction that writes its notifications.
 *
 *  - sys_event rows (workflow transitions, SLA warnings and breaches, approval requests, rule events): written in
 *    the record operation's transaction, so they exist only for committed writes. Claimed with
 *    `UPDATE sys_event SET processed_at = … WHERE id = … AND processed_at IS NULL`; a second instance's update finds
 *    nothing (PostgreSQL re-checks the condition after the first commits; SQLite serialises writers).
 *  - sys_audit rows, for the "create", "update" and "fieldChange" triggers. The record pipeline writes exactly one
 *    audit row per record and version, in the write's transaction, with the changed fields ({field: [old, new]})
 *    and the actor: every create and update made by the API, rules, workflows or seeding, committed or not at all,
 *    without asking the record service to emit anything more. (Engine events for record changes, if they come,
 *    are not used for these triggers, so a change is never notified twice.) Audit rows carry no processed flag and
 *    are read by position: ids are time-ordered UUIDs, but a transaction that commits late can make a row with a
 *    lower id appear after higher ones were read. So the dispatcher re-reads a look-back window behind the
 *    current time and records each handled audit id in sys_notify_seen (its primary key is the claim); the
 *    position moves to "now − look-back" once everything before it is handled, and ids behind the position are
 *    pruned. A transaction open longer than the look-back (default 2 minutes) between writing its audit row and
 *    committing would be missed.
 */
import type { Knex } from 'knex';
import type { Changes } from '../records/audit.js';

export interface FeedItem {
  source: 'event' | 'audit';
  /** sys_event.id or sys_audit.id (time-ordered UUIDs: both sources merge in this order). */
  id: string;
  /** The event name, or 'insert' / 'update' for an audit row. */
  name: string;
  /** The table as written: the record's class for events, the physical table for audit rows. */
  table: string | null;
  recordId: string | null;
  payload: Record<string, unknown>;
  /** Audit rows: the changed fields. */
  changes: Changes | null;
  actorId: string | null;
  actorName: string | null;
}

const CURSOR = 'audit';

function parseJson(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/** Unprocessed events, oldest first. */
export async function fetchPendingEvents(knex: Knex, limit: number): Promise<FeedItem[]> {
  const rows = await knex('sys_event').whereNull('processed_at').orderBy('id').limit(limit);
  return rows.map((r: Record<string, unknown>) => {
    const payload = parseJson(r.payload);
    return {
      source: 'event' as const, id: r.id as string, name: r.name as string,
      table: (r.table_name as string | null) ?? (typeof payload.table === 'string' ? payload.table : null),
      recordId: (r.record_id as string | null) ?? (typeof payload.id === 'string' ? payload.id : typeof payload.record === 'string' ? payload.record : null),
      payload, changes: null, actorId: (r.actor_id as string | null) ?? null, actorName: (r.actor_name as string | null) ?? null,
    };
  });
}

/** The audit position (rows at or below it are done). */
export async function fetchAuditPosition(knex: Knex): Promise<string> {
  const row = await knex('sys_notify_cursor').where({ name: CURSOR }).first('position');
  return (row?.position as string | undefined) ?? '';
}

/** Audit rows of `tables` after `position` not yet handled, oldest first. */
export async function fetchPendingChanges(knex: Knex, tables: readonly string[], position: string, limit: number): Promise<FeedItem[]> {
  if (!tables.length) return [];
  const rows = await knex('sys_audit as a')
    .leftJoin('sys_notify_seen as s', 's.audit_id', 'a.id')
    .whereNull('s.audit_id')
    .where('a.id', '>', position)
    .whereIn('a.table_name', tables)
    .whereIn('a.operation', ['insert', 'update'])
    .orderBy('a.id')
    .limit(limit)
    .select('a.id', 'a.table_name', 'a.record_id', 'a.operation', 'a.changes', 'a.actor_id', 'a.actor_name');
  return rows.map((r: Record<string, unknown>) => ({
    source: 'audit' as const, id: r.id as string, name: r.operation as string, table: r.table_name as string,
    recordId: r.record_id as string, payload: {}, changes: parseJson(r.changes) as Changes,
    actorId: (r.actor_id as string | null) ?? null, actorName: (r.actor_name as string | null) ?? null,
  }));
}

/**
 * Claim an item inside the transaction that writes what it produced. False when another instance (or an earlier
 * run) already did: the caller rolls back.
 */
export async function claimItem(trx: Knex.Transaction, item: FeedItem, outcome: 'done' | 'failed', at: string): Promise<boolean> {
  if (item.source === 'event') {
    return (await trx('sys_event').where({ id: item.id }).whereNull('processed_at').update({ processed_at: at })) === 1;
  }
  if (item.id <= await lockAuditPosition(trx)) return false;
  const inserted = await trx('sys_notify_seen').insert({ audit_id: item.id, outcome, processed_at: at }).onConflict('audit_id').ignore().returning('audit_id');
  return inserted.length === 1;
}

/**
 * Lock the audit position row for the rest of the transaction and read it. Claims and moves of the position
 * serialise on it, so a claim never lands on an id whose sys_notify_seen row was just pruned.
 */
async function lockAuditPosition(trx: Knex.Transaction): Promise<string> {
  await trx('sys_notify_cursor').where({ name: CURSOR }).update({ updated_at: trx.ref('updated_at') });
  const row = await trx('sys_notify_cursor').where({ name: CURSOR }).first('position');
  return (row?.position as string | undefined) ?? '';
}

/** Mark items that produce nothing as handled, in one statement per source. */
export async function settleItems(knex: Knex, items: FeedItem[], at: string): Promise<void> {
  const events = items.filter((i) => i.source === 'event').map((i) => i.id);
  const audits = items.filter((i) => i.source === 'audit').map((i) => i.id);
  for (let i = 0; i < events.length; i += 500) {
    await knex('sys_event').whereIn('id', events.slice(i, i + 500)).whereNull('processed_at').update({ processed_at: at });
  }
  if (!audits.length) return;
  await knex.transaction(async (trx) => {
    const position = await lockAuditPosition(trx);
    const open = audits.filter((id) => id > position);
    for (let i = 0; i < open.length; i += 200) {
      await trx('sys_notify_seen').insert(open.slice(i, i + 200).map((audit_id) => ({ audit_id, outcome: 'done', processed_at: at })))
        .onConflict('audit_id').ignore();
    }
  });
}

/** The smallest time-ordered UUID of millisecond `ms`: every id generated at or after `ms` sorts above it. */
export function uuidFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/**
 * Move the audit position forward to `position` (never back), and forget handled ids at or below it.
 */
export async function advanceAuditPosition(knex: Knex, position: string, at: string): Promise<void> {
  await knex.transaction(async (trx) => {
    const current = await lockAuditPosition(trx);
    if (position <= current) return;
    await trx('sys_notify_cursor').where({ name: CURSOR }).update({ position, updated_at: at });
    await trx('sys_notify_seen').where('audit_id', '<=', position).delete();
  });
}
