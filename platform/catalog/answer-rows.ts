/**
 * The answers of a requested item as catalog_answer rows: one per answered variable, and one per column of each row
 * of a multi-row set, in the order the item asks them, with the question's label, its type, the answer as people
 * read it (choice labels, Yes / No, a referenced record's display value) and, for numbers, the number itself so
 * answers can be filtered and summed.
 *
 * The rows are written in one INSERT beside the requested item, not through the record pipeline: they are read-only
 * copies of answers already checked, and their history is the requested item's own (its `variables` are audited
 * with it), so twenty answers cost one statement rather than twenty records' checks, hooks and audit rows.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { Formwork } from '../context.js';
import { insertRows } from '../db/insert.js';
import type { ResolvedField, ResolvedTable } from '../definitions/types.js';
import type { Actor, RecordData } from '../records/types.js';
import type { CheckedAnswers } from './answers.js';
import type { ResolvedQuestions } from './model.js';

const NUMERIC = new Set(['integer', 'decimal', 'currency']);

/** The number column keeps 4 places and 14 digits before the point: finer or larger answers are kept rounded or not at all. */
function toAnswerNumber(value: number): number | null {
  const rounded = Math.round(value * 10_000) / 10_000;
  return Math.abs(rounded) < 1e14 ? rounded : null;
}

/** Reads a referenced record's display value. */
export type DisplayReader = (table: string, id: string) => Promise<string | null>;

/** An answer as people read it. References are looked up through `display` (the record's display value). */
export async function displayValue(field: ResolvedField, value: unknown, display: DisplayReader): Promise<string> {
  if (value === null || value === undefined) return '';
  if (field.type === 'boolean') return value ? 'Yes' : 'No';
  if (field.type === 'choice') {
    const label = (v: unknown) => field.choices?.find((c) => c.value === v)?.label ?? String(v);
    return Array.isArray(value) ? value.map(label).join(', ') : label(value);
  }
  if (field.type === 'reference' && field.reference && typeof value === 'string') return (await display(field.reference, value)) ?? value;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A display-value reader for one transaction (reads as the system: the answer was checked when ordered). */
export function displayReader(fw: Formwork, trx?: Knex.Transaction): DisplayReader {
  return async (tableName, id) => {
    const table = fw.registry.current.tables.get(tableName);
    if (!table) return null;
    try {
      const r = await fw.records.readOne(table.name, id, { actor: fw.systemActor, trx, fields: [table.displayField] });
      const v = r[table.displayField] ?? r.number;
      return v === null || v === undefined ? null : String(v);
    } catch {
      return null;
    }
  };
}

/** The catalog_answer records of one requested item (without the reference to it). */
export async function answerRows(
  q: ResolvedQuestions, checked: CheckedAnswers, display: DisplayReader,
): Promise<RecordData[]> {
  const out: RecordData[] = [];
  const push = async (table: ResolvedTable, name: string, value: unknown, set: string | null, row: number | null) => {
    const field = table.fields.get(name)!;
    out.push({
      variable: name, label: (field.label ?? name).slice(0, 255), type: field.type, value: await displayValue(field, value, display),
      number_value: NUMERIC.has(field.type) && typeof value === 'number' ? toAnswerNumber(value) : null, set, row, position: out.length + 1,
    });
  };
  for (const name of q.table.fields.keys()) {
    if (Object.prototype.hasOwnProperty.call(checked.values, name)) await push(q.table, name, checked.values[name], null, null);
  }
  for (const m of q.multiRow) {
    for (const [i, row] of (checked.rows[m.name] ?? []).entries()) {
      for (const name of m.table.fields.keys()) {
        if (Object.prototype.hasOwnProperty.call(row, name)) await push(m.table, name, row[name], m.name, i + 1);
      }
    }
  }
  return out;
}

/** The table answers are kept in. */
export const ANSWER_TABLE = 'catalog_answer';

/**
 * Write a requested item's answer rows in `trx` (see the module comment): each with the system columns a record has,
 * owned by the orderer's organisation like the item, created by `actor` at `at`.
 */
export async function insertAnswerRows(
  fw: Formwork, trx: Knex.Transaction, rows: RecordData[], requestedItem: string, actor: Actor, at: string,
): Promise<void> {
  if (!rows.length) return;
  const table = fw.registry.current.getTable(ANSWER_TABLE);
  const columns = [...table.fields.values()].filter((f) => f.column !== null && !f.system);
  await insertRows(trx, table.physical, rows.map((r) => {
    const row: Record<string, unknown> = {
      id: uuidv7(), class: table.name, version: 1, org_id: actor.orgId ?? null,
      created_at: at, created_by: actor.id, updated_at: at, updated_by: actor.id,
    };
    for (const f of columns) row[f.column!] = f.name === 'requested_item' ? requestedItem : (r[f.name] ?? null);
    return row;
  }));
}
