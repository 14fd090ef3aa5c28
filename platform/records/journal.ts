import type { Knex } from 'knex';
import { insertRows } from '../db/insert.js';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, JournalEntry } from './types.js';

export interface NewJournalEntry { recordId: string; field: string; entryType: string; body: string }

/** Append journal entries (comments, work notes). Entries are never updated or deleted. */
export async function appendJournal(
  trx: Knex.Transaction, table: string, actor: Actor, at: string, entries: NewJournalEntry[],
): Promise<void> {
  if (!entries.length) return;
  await insertRows(trx, 'sys_journal', entries.map((e) => ({
    id: uuidv7(), table_name: table, record_id: e.recordId, field: e.field, entry_type: e.entryType,
    body: e.body, created_by: actor.id, created_by_name: actor.username, created_at: at,
  })), 200);
}

/**
 * The journal of one record, newest first, optionally of one field; `fields` limits it to the journal fields the
 * reader may see (in the statement).
 */
export async function fetchJournal(
  knex: Knex | Knex.Transaction, table: string, recordId: string, field?: string, fields?: string[],
): Promise<JournalEntry[]> {
  const q = knex('sys_journal').where({ table_name: table, record_id: recordId });
  if (field) q.andWhere({ field });
  if (fields) q.whereIn('field', fields);
  const rows = await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  return rows.map((r) => ({
    id: r.id, table, recordId, field: r.field, entryType: r.entry_type, body: r.body,
    createdBy: r.created_by_name, createdById: r.created_by ?? null, createdAt: r.created_at,
  }));
}
