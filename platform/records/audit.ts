import type { Knex } from 'knex';
import { insertRows } from '../db/insert.js';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, HistoryEntry } from './types.js';

export type Changes = Record<string, [unknown, unknown]>;

export interface AuditRow {
  table: string;
  recordId: string;
  operation: 'insert' | 'update' | 'delete';
  version: number;
  changes: Changes;
}

/** Write the field history of one or more record operations, in the caller's transaction. */
export async function writeAudit(trx: Knex.Transaction, actor: Actor, at: string, rows: AuditRow[]): Promise<void> {
  if (!rows.length) return;
  await insertRows(trx, 'sys_audit', rows.map((r) => ({
    id: uuidv7(),
    table_name: r.table,
    record_id: r.recordId,
    operation: r.operation,
    version: r.version,
    changes: JSON.stringify(r.changes),
    actor_id: actor.id,
    actor_name: actor.username,
    changed_at: at,
  })), 200);
}

/** The field history of one record, newest first, one entry per changed field. */
export async function fetchHistory(knex: Knex | Knex.Transaction, table: string, recordId: string): Promise<HistoryEntry[]> {
  const rows = await knex('sys_audit').where({ table_name: table, record_id: recordId })
    .orderBy([{ column: 'changed_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  const out: HistoryEntry[] = [];
  for (const r of rows) {
    const changes = JSON.parse(r.changes) as Changes;
    for (const [field, [oldValue, newValue]] of Object.entries(changes)) {
      out.push({
        id: `${r.id}:${field}`, table, recordId, field, oldValue, newValue,
        operation: r.operation, version: Number(r.version), changedBy: r.actor_name, changedById: r.actor_id ?? null,
        changedAt: r.changed_at,
      });
    }
  }
  return out;
}
