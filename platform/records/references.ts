/**
 * Reference integrity of record writes: a reference value must name a record the writer may read, and a record
 * other records reference cannot be deleted. The record service calls these in the lifecycle's load and write stages
 * (platform/records/lifecycle.ts); rules' values are checked as the trusted RULES reader.
 */
import type { Knex } from 'knex';
import { accessFor } from '../access/index.js';
import type { FactContext } from '../conditions/index.js';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import { fail } from '../errors.js';
import type { RecordReader } from './record-reader.js';
import type { Actor, RecordData } from './types.js';

/**
 * Every reference value of `rows` must name an existing record of the target table (or a table extending it) that
 * `actor` may read: a record outside their rows is as absent as one that does not exist. Errors: validation_failed
 * (fieldErrors with code reference_not_found).
 */
export async function assertReferences(
  reader: RecordReader, trx: Knex.Transaction, registry: Registry, table: ResolvedTable, rows: RecordData[], actor: Actor,
  facts: FactContext,
): Promise<void> {
  const errors: { field: string; code: string; message: string }[] = [];
  for (const field of table.fields.values()) {
    if (field.type !== 'reference' || !field.reference) continue;
    const wanted = [...new Set(rows.map((r) => r[field.name]).filter((v): v is string => typeof v === 'string'))];
    if (!wanted.length) continue;
    const target = registry.getTable(field.reference);
    const access = accessFor(registry, actor, target.name, 'read');
    const found = new Set(access.allowed
      ? (await reader.readMany(trx, target, wanted, { access, facts }, { columns: ['id'] })).map((r) => r.id)
      : []);
    for (const id of wanted) {
      if (!found.has(id)) errors.push({ field: field.name, code: 'reference_not_found', message: `${field.label ?? field.name}: no ${target.def.label ?? target.name} record "${id}" exists.` });
    }
  }
  if (errors.length) fail('validation_failed', errors.map((e) => e.message).join(' '), { fieldErrors: errors });
}

/** Refuse to delete records of `table` that other records reference. Errors: reference_in_use (409). */
export async function assertNotReferenced(trx: Knex.Transaction, registry: Registry, table: ResolvedTable, ids: string[]): Promise<void> {
  for (const other of registry.tables.values()) {
    for (const field of other.fields.values()) {
      if (field.type !== 'reference' || field.declaredBy !== other.name || !field.reference) continue;
      const target = registry.getTable(field.reference);
      if (target.physical !== table.physical) continue;
      const hit = await trx(other.physical).whereIn(field.column!, ids).first('id');
      if (hit) fail('reference_in_use', `Record "${ids.length === 1 ? ids[0] : ids.join(', ')}" is referenced by field "${field.name}" of table "${other.name}".`);
    }
  }
}
