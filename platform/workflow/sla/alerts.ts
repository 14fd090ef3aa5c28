/**
 * What people see of SLAs, so that work due soon or overdue is noticed before it breaches: a record's SLAs, and the
 * SLAs due soon or overdue across the records the actor may read.
 *
 * Access: a record's SLAs are read only after the record itself is read through the record service as the actor
 * (a record they cannot see is `not_found`); alert lists keep only SLAs of records the record service returns to
 * the actor (table grants, row scope), in due order, reading candidates in batches until the page is full.
 */
import { accessFor } from '../../access/policy.js';
import { assertCanOperate } from '../../access/table-access.js';
import type { Formwork } from '../../context.js';
import type { Actor } from '../../records/types.js';
import { fetchRecordSlas, fromRow, viewOf, type SlaView } from './sla-store.js';

export type SlaAlertKind = 'upcoming' | 'overdue';

export interface SlaAlert extends SlaView {
  /** The record's number and display value, when the actor may read them. */
  number: string | null;
  display: unknown;
}

export interface SlaAlertOptions {
  /** upcoming: due within this many milliseconds from now (default 4 hours). */
  withinMs?: number;
  /** Only SLAs of records of this table (and tables extending it). */
  table?: string;
  /** Page size (default 50). */
  limit?: number;
}

export const DEFAULT_WITHIN_MS = 4 * 3_600_000;
/** Candidates read per query (within the record service's page limit). */
const MAX_BATCH = 500;

/**
 * The SLAs of a record (every generation, oldest first) at the engine's now. Errors: as readOne (not_found,
 * forbidden, table_not_found).
 */
export async function listRecordSlas(fw: Formwork, actor: Actor, table: string, id: string): Promise<SlaView[]> {
  await fw.records.readOne(table, id, { actor, fields: ['id'] });
  const now = fw.clock.now();
  const registry = fw.registry.current;
  return (await fetchRecordSlas(fw.db.knex, id)).map((row) => viewOf(registry, row, now));
}

/**
 * Upcoming SLAs (running, due after now and within `withinMs`) or overdue ones (open and due at or before now), soonest
 * first, of records the actor may read. Errors: table_not_found for an unknown `table`, forbidden for one they cannot read.
 */
export async function listSlaAlerts(fw: Formwork, actor: Actor, kind: SlaAlertKind, options: SlaAlertOptions = {}): Promise<SlaAlert[]> {
  const registry = fw.registry.current;
  const now = fw.clock.now();
  const limit = options.limit ?? 50;
  let classes: string[];
  if (options.table !== undefined) {
    const t = registry.getTable(options.table);
    assertCanOperate(registry, actor, t.name, 'read');
    classes = t.classes;
  } else {
    classes = [...registry.tables.keys()];
  }
  const readable = classes.filter((name) => accessFor(registry, actor, name, 'read').allowed);
  if (!readable.length) return [];

  const at = now.toISOString();
  const batch = Math.min(MAX_BATCH, Math.max(100, limit * 2));
  const out: SlaAlert[] = [];
  let offset = 0;
  for (;;) {
    const q = fw.db.knex('sys_sla').whereIn('table_name', readable);
    if (kind === 'upcoming') {
      q.where('state', 'active').where('due_at', '>', at).where('due_at', '<=', new Date(now.getTime() + (options.withinMs ?? DEFAULT_WITHIN_MS)).toISOString());
    } else {
      q.whereIn('state', ['active', 'breached', 'paused']).whereNotNull('due_at').where('due_at', '<=', at);
    }
    const rows = (await q.orderBy([{ column: 'due_at' }, { column: 'id' }]).offset(offset).limit(batch)).map(fromRow);
    offset += rows.length;
    const byTable = new Map<string, string[]>();
    for (const r of rows) byTable.set(r.tableName, [...(byTable.get(r.tableName) ?? []), r.recordId]);
    const visible = new Map<string, Record<string, unknown>>();
    for (const [name, ids] of byTable) {
      const table = registry.getTable(name);
      const access = accessFor(registry, actor, name, 'read');
      const canSee = (f: string) => table.fields.has(f) && (access.unrestricted || access.readable.has(f));
      const fields = ['id', ...['number', table.displayField].filter((f, i, all) => canSee(f) && all.indexOf(f) === i)];
      const unique = [...new Set(ids)];
      const found = await fw.records.query(name, { filter: { fact: 'id', operator: 'in', value: unique }, fields, limit: unique.length, withTotal: false }, { actor });
      for (const r of found.records) visible.set(r.id as string, { number: r.number ?? null, display: r[table.displayField] ?? null });
    }
    for (const r of rows) {
      const rec = visible.get(r.recordId);
      if (!rec) continue;
      out.push({ ...viewOf(registry, r, now), number: (rec.number as string | null) ?? null, display: rec.display });
      if (out.length >= limit) return out;
    }
    if (rows.length < batch) return out;
  }
}
