/**
 * The event outbox (sys_event): rows written in the record operation's transaction, so nothing is emitted for a
 * rolled-back write. The engine itself emits no event per create / update / delete — only `emitEvent` actions do
 * (a row per write would double the cost of every bulk load for listeners that mostly do not exist). Notifications
 * of record changes read the sys_audit row every write makes (platform/notify/feed.ts); engine parts that must act
 * in the write's transaction register a record hook (platform/records/lifecycle.ts describes the order).
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';

export interface NewEvent {
  name: string;
  table: string | null;
  recordId: string | null;
  payload: Record<string, unknown>;
  actorId: string | null;
  actorName: string | null;
  /** What emitted it, e.g. "rule:escalate". */
  source: string;
  at: string;
}

export interface EventRow {
  id: string;
  name: string;
  table: string | null;
  recordId: string | null;
  payload: Record<string, unknown>;
  actorId: string | null;
  actorName: string | null;
  source: string | null;
  createdAt: string;
  processedAt: string | null;
}

/** Write an event in the caller's transaction. */
export async function writeEvent(trx: Knex.Transaction, e: NewEvent): Promise<string> {
  const id = uuidv7();
  await trx('sys_event').insert({
    id, name: e.name, table_name: e.table, record_id: e.recordId, payload: JSON.stringify(e.payload),
    actor_id: e.actorId, actor_name: e.actorName, source: e.source, created_at: e.at, processed_at: null,
  });
  return id;
}

/** Events not yet processed, oldest first (ids are time-ordered and break ties). */
export async function pendingEvents(knex: Knex | Knex.Transaction, limit = 100): Promise<EventRow[]> {
  const rows = await knex('sys_event').whereNull('processed_at').orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(limit);
  return rows.map((r: Record<string, unknown>) => ({
    id: r.id as string, name: r.name as string, table: (r.table_name as string | null) ?? null,
    recordId: (r.record_id as string | null) ?? null,
    payload: JSON.parse(r.payload as string) as Record<string, unknown>, actorId: (r.actor_id as string | null) ?? null,
    actorName: (r.actor_name as string | null) ?? null, source: (r.source as string | null) ?? null,
    createdAt: r.created_at as string, processedAt: (r.processed_at as string | null) ?? null,
  }));
}

/** Mark events processed. */
export async function markEventsProcessed(knex: Knex | Knex.Transaction, ids: string[], at: string): Promise<void> {
  if (ids.length) await knex('sys_event').whereIn('id', ids).update({ processed_at: at });
}
