/**
 * The rows of sys_content_version (migration 025): published versions of a record's content, numbered 1, 2, 3… per
 * record. Records are keyed by their physical table (a class and the tables it extends share one) and their id.
 */
import type { Knex } from 'knex';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import type { ContentVersionsDef } from '../definitions/model.js';
import type { RecordData } from '../records/types.js';

/** The table of published versions (migration 025). */
export const VERSION_TABLE = 'sys_content_version';
const TABLE = VERSION_TABLE;

/** One published version as stored (values parsed). */
export interface StoredVersion {
  number: number;
  values: RecordData;
  /** The record's version the publishing write left it at. */
  recordVersion: number;
  createdAt: string;
  createdBy: string | null;
  createdByName: string;
}

interface VersionRow {
  record_id: string;
  number: number | string;
  values: string;
  record_version: number | string;
  created_at: string;
  created_by: string | null;
  created_by_name: string;
}

function fromRow(row: VersionRow): StoredVersion {
  return {
    number: Number(row.number), values: JSON.parse(row.values) as RecordData, recordVersion: Number(row.record_version),
    createdAt: row.created_at, createdBy: row.created_by, createdByName: row.created_by_name,
  };
}

/** The `versions` option in force for `table`: its own, else the nearest table it extends that declares one. */
export function versionsOf(registry: Registry, table: ResolvedTable | undefined): ContentVersionsDef | undefined {
  if (!table) return undefined;
  if (table.def.versions) return table.def.versions;
  for (const name of table.ancestors) {
    const v = registry.tables.get(name)?.def.versions;
    if (v) return v;
  }
  return undefined;
}

/** The latest version of each of `ids` that has one (one statement, whatever the number of ids). */
export async function fetchLatestVersions(
  knex: Knex | Knex.Transaction, physical: string, ids: string[],
): Promise<Map<string, StoredVersion>> {
  const out = new Map<string, StoredVersion>();
  if (!ids.length) return out;
  const latest = knex(`${TABLE} as w`).max('w.number')
    .where('w.table_name', knex.ref('v.table_name')).andWhere('w.record_id', knex.ref('v.record_id'));
  const rows = await knex(`${TABLE} as v`).select<VersionRow[]>('v.*')
    .where('v.table_name', physical).whereIn('v.record_id', ids).andWhere('v.number', latest);
  for (const row of rows) out.set(row.record_id, fromRow(row));
  return out;
}

/** Every version of one record, oldest first. */
export async function fetchVersions(knex: Knex | Knex.Transaction, physical: string, id: string): Promise<StoredVersion[]> {
  const rows = await knex(TABLE).select<VersionRow[]>('*').where({ table_name: physical, record_id: id }).orderBy('number', 'asc');
  return rows.map(fromRow);
}

/** A new version of a record: the number after its latest. */
export async function insertVersion(
  trx: Knex.Transaction, physical: string, id: string,
  v: { number: number; values: RecordData; recordVersion: number; at: string; by: string | null; byName: string; rowId: string },
): Promise<void> {
  await trx(TABLE).insert({
    id: v.rowId, table_name: physical, record_id: id, number: v.number, values: JSON.stringify(v.values), record_version: v.recordVersion,
    created_at: v.at, created_by: v.by, created_by_name: v.byName,
  });
}

/** Forget a deleted record's versions (in its delete's transaction). */
export async function deleteVersions(trx: Knex.Transaction, physical: string, id: string): Promise<void> {
  await trx(TABLE).where({ table_name: physical, record_id: id }).delete();
}
