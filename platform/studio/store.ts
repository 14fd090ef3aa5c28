/**
 * The studio's rows (migration 20261207_020_studio): change sets, their items, published versions with their whole
 * layer, and the tables and columns kept hidden. Reads take a knex or a transaction; writes take the caller's
 * transaction so a publish writes its version, layer and change-set status together or not at all.
 */
import type { Knex } from 'knex';
import { insertRows } from '../db/insert.js';
import type { DefinitionLayer, LayerEntry } from '../definitions/overlay.js';
import type { SchemaChange } from '../records/schema-sync.js';

type Reader = Knex | Knex.Transaction;

export interface ChangeSetRow {
  id: string;
  name: string;
  status: 'draft' | 'published' | 'discarded';
  comment: string | null;
  author_id: string | null;
  author_name: string;
  created_at: string;
  updated_at: string;
  published_version: number | null;
}

export interface ItemRow {
  change_set_id: string;
  kind: string;
  name: string;
  definition: string | null;
  deleted: boolean;
  base_version: number;
  revision: number;
  updated_by: string;
  updated_at: string;
}

export interface VersionRow {
  number: number;
  id: string;
  author_id: string | null;
  author_name: string;
  created_at: string;
  comment: string | null;
  change_set_id: string | null;
  rollback_of: number | null;
  registry_version: string;
}

// Both drivers agree on text; integers and booleans come back as strings (pg bigint counts) or 0/1 (SQLite).
const item = (r: ItemRow): ItemRow => ({
  ...r, deleted: Boolean(r.deleted), base_version: Number(r.base_version), revision: Number(r.revision),
});
const version = (r: VersionRow): VersionRow => ({
  ...r, number: Number(r.number), rollback_of: r.rollback_of === null ? null : Number(r.rollback_of),
});
const changeSet = (r: ChangeSetRow): ChangeSetRow => ({
  ...r, published_version: r.published_version === null ? null : Number(r.published_version),
});

export async function fetchChangeSet(k: Reader, id: string): Promise<ChangeSetRow | undefined> {
  const row = await k('sys_studio_change_set').where({ id }).first();
  return row ? changeSet(row) : undefined;
}

export async function fetchChangeSets(k: Reader): Promise<ChangeSetRow[]> {
  const rows = await k('sys_studio_change_set').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  return rows.map(changeSet);
}

export async function fetchItems(k: Reader, changeSetId: string): Promise<ItemRow[]> {
  return (await k('sys_studio_item').where({ change_set_id: changeSetId }).orderBy(['kind', 'name'])).map(item);
}

export async function fetchItem(k: Reader, changeSetId: string, kind: string, name: string): Promise<ItemRow | undefined> {
  const row = await k('sys_studio_item').where({ change_set_id: changeSetId, kind, name }).first();
  return row ? item(row) : undefined;
}

/** The number of the latest published version (0: none, the files alone). */
export async function fetchCurrentVersion(k: Reader): Promise<number> {
  const row = await k('sys_studio_version').max({ n: 'number' }).first();
  return row?.n === null || row?.n === undefined ? 0 : Number(row.n);
}

export async function fetchVersion(k: Reader, number: number): Promise<VersionRow | undefined> {
  const row = await k('sys_studio_version').where({ number }).first();
  return row ? version(row) : undefined;
}

export async function fetchVersions(k: Reader): Promise<VersionRow[]> {
  return (await k('sys_studio_version').orderBy('number', 'desc')).map(version);
}

/** How many definitions each version's layer holds. */
export async function fetchLayerSizes(k: Reader): Promise<Map<number, number>> {
  const rows: { version: number | string; n: number | string }[] = await k('sys_studio_layer').select('version').count({ n: '*' }).groupBy('version');
  return new Map(rows.map((r) => [Number(r.version), Number(r.n)]));
}

/** A published version's layer (version 0: empty), each entry named after the version (`v3`) in messages. */
export async function fetchLayer(k: Reader, number: number): Promise<DefinitionLayer> {
  if (number === 0) return { version: 0, entries: [] };
  const rows = await k('sys_studio_layer').where({ version: number }).orderBy(['kind', 'name']);
  const entries: LayerEntry[] = rows.map((r: { kind: string; name: string; definition: string }) => ({
    kind: r.kind, name: r.name, definition: JSON.parse(r.definition), source: `v${number}`,
  }));
  return { version: number, entries };
}

/** Insert a version and its whole layer (deletions left out: a layer lists what it declares). */
export async function insertVersion(trx: Knex.Transaction, row: VersionRow, entries: readonly LayerEntry[]): Promise<void> {
  await trx('sys_studio_version').insert(row);
  await insertRows(trx, 'sys_studio_layer', entries.filter((e) => e.definition !== null).map((e) => ({
    version: row.number, kind: e.kind, name: e.name, definition: JSON.stringify(e.definition),
  })));
}

const hiddenKey = (table: string, column: string | null | undefined) => `${table}\0${column ?? ''}`;

/** Whether a dropped table or column is one the studio hid (kept with its data): for schema sync's `keep`. */
export async function fetchHidden(k: Reader): Promise<(c: SchemaChange) => boolean> {
  const rows = await k('sys_studio_hidden').select('table_name', 'column_name');
  const keys = new Set(rows.map((r: { table_name: string; column_name: string }) => hiddenKey(r.table_name, r.column_name)));
  return (c) => keys.has(hiddenKey(c.table, c.kind === 'drop_table' ? '' : c.field));
}

/** Record tables and columns hidden by a version (a table or column hidden again keeps its first version). */
export async function insertHidden(trx: Knex.Transaction, changes: readonly SchemaChange[], number: number): Promise<void> {
  const rows = changes.map((c) => ({ table_name: c.table, column_name: c.kind === 'drop_table' ? '' : c.field ?? '', version: number }));
  if (rows.length) await trx('sys_studio_hidden').insert(rows).onConflict(['table_name', 'column_name']).ignore();
}
