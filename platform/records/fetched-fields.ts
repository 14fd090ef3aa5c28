/**
 * Fetched fields (`fetchFrom: "<reference>.<field>"`): values copied from the record a reference field points at,
 * like an address look-up filling in the rest of an address. Applied by the record service to every create and to
 * every update whose own values change the reference, after the reference itself was checked (it names a record
 * the writer may read) and before hooks and before rules, so rules and conditions see the copied values. A cleared
 * reference clears the copies. The referenced record is read as the system: the copy is what the definition says
 * to copy, whoever writes.
 */
import type { Knex } from 'knex';
import type { ResolvedField, ResolvedTable } from '../definitions/types.js';
import { fail } from '../errors.js';
import { checkFieldValue, isEmptyValue } from './field-values.js';
import type { RecordData } from './types.js';

/** One reference field and the fields copied through it. */
export interface FetchGroup {
  reference: ResolvedField;
  copies: { field: ResolvedField; from: string }[];
}

const groupsCache = new WeakMap<ResolvedTable, FetchGroup[] | null>();

/** The table's fetched fields grouped by reference field (null when it has none); cached per resolved table. */
export function fetchGroupsOf(table: ResolvedTable): FetchGroup[] | null {
  let groups = groupsCache.get(table);
  if (groups === undefined) {
    const byRef = new Map<string, FetchGroup>();
    for (const field of table.fields.values()) {
      if (!field.fetchFrom) continue;
      const [refName, from] = field.fetchFrom.split('.') as [string, string];
      const reference = table.fields.get(refName);
      if (!reference || reference.type !== 'reference') continue;
      let g = byRef.get(refName);
      if (!g) { g = { reference, copies: [] }; byRef.set(refName, g); }
      g.copies.push({ field, from });
    }
    groups = byRef.size ? [...byRef.values()] : null;
    groupsCache.set(table, groups);
  }
  return groups;
}

/** Reads one record of a table as the system (the record service's readOne, bound by the caller). */
export type ReadReferenced = (table: string, id: string, fields: string[], trx: Knex.Transaction) => Promise<RecordData | null>;

/**
 * Copy fetched values into `record` (changed in place) for each reference field that `values` (the write's own
 * values) sets — every one on insert (`previous` null) — and that differs from `previous`. Errors:
 * validation_failed when a copied value does not fit its field.
 */
export async function applyFetchedFields(
  trx: Knex.Transaction, table: ResolvedTable, record: RecordData, values: RecordData, previous: RecordData | null, read: ReadReferenced,
): Promise<void> {
  const groups = fetchGroupsOf(table);
  if (!groups) return;
  for (const { reference, copies } of groups) {
    const name = reference.name;
    if (previous && (!Object.prototype.hasOwnProperty.call(values, name) || values[name] === previous[name])) continue;
    const id = record[name];
    const source = isEmptyValue(id) ? null : await read(reference.reference!, String(id), [...new Set(copies.map((c) => c.from))], trx);
    for (const { field, from } of copies) {
      const raw = source ? source[from] ?? null : null;
      const checked = checkFieldValue(field, raw, previous?.[field.name]);
      if (!checked.ok) {
        fail('validation_failed', `${field.label ?? field.name} cannot take the value of ${field.fetchFrom}: ${checked.message}`,
          { fieldErrors: [{ field: field.name, code: checked.code, message: checked.message }] });
      }
      record[field.name] = checked.value;
    }
  }
}
