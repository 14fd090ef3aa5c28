import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Database } from '../db/connection.js';
import type { IndexDef, PhysicalTable, Registry } from '../definitions/types.js';
import { fail } from '../errors.js';
import { storageTypeOf } from '../db/storage-types.js';
import { syncSearchIndexes } from '../search/indexes.js';

/** One change schema sync found between the definitions and the database. */
export interface SchemaChange {
  kind: 'create_table' | 'add_column' | 'add_index' | 'drop_table' | 'drop_column' | 'change_type';
  table: string;
  field?: string;
  oldType?: string;
  newType?: string;
  index?: string;
  /** add_index: the index Formwork made before for the same declaration, dropped once the new one is built. */
  replaces?: string;
  /** False for changes that lose data or change a type: they need a migration. */
  additive: boolean;
}

type ColumnState = Record<string, string>;

/** Columns (name → storage type) that the registry declares for one physical table. */
function declaredColumns(table: PhysicalTable): ColumnState {
  const out: ColumnState = {};
  for (const [name, field] of table.columns) out[name] = storageTypeOf(field);
  return out;
}

async function readState(knex: Knex): Promise<Map<string, ColumnState>> {
  const rows = await knex('sys_table_schema').select('table_name', 'columns');
  return new Map(rows.map((r: { table_name: string; columns: string }) => [r.table_name, JSON.parse(r.columns)]));
}

/** A deterministic index name within PostgreSQL's 63-character limit. */
export function indexName(table: string, index: IndexDef): string {
  if (index.name) return index.name;
  const base = `${table}_${index.fields.map((f) => f.replace(/^-/, '')).join('_')}_${index.unique ? 'uq' : 'idx'}`;
  if (base.length <= 63) return base;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return `${base.slice(0, 54)}_${hash}`;
}

/**
 * The columns that scope a physical table's rows for row scope 'org' (see platform/access/policy.ts): the
 * organisation field of its tables (`org_id` unless a table names another) and any party-code field.
 */
export function scopeColumns(registry: Registry, physical: string): string[] {
  const out = new Set<string>();
  for (const t of registry.tables.values()) {
    if (t.physical !== physical) continue;
    for (const name of [t.orgField, t.userIdField]) {
      const column = name === undefined ? null : t.fields.get(name)?.column;
      if (column) out.add(column);
    }
  }
  return [...out];
}

/**
 * A declared index with the scope columns appended (after its fields and id) unless it is unique or has them all;
 * the same object when nothing is added.
 */
export function scopedIndex(def: IndexDef, scope: readonly string[]): IndexDef {
  const present = new Set(def.fields.map((f) => f.replace(/^-/, '')));
  const extra = def.unique ? [] : scope.filter((c) => !present.has(c));
  if (!extra.length) return def;
  // id goes before the scope columns (createIndex would append it last), keeping "filter + sort + limit" ordered.
  const idDir = def.fields[def.fields.length - 1]!.startsWith('-') ? '-id' : 'id';
  return { ...def, fields: [...def.fields, ...(present.has('id') ? [] : [idDir]), ...extra] };
}

/** One index schema sync keeps on a physical table, and the index of an earlier release it supersedes. */
interface SyncedIndex { def: IndexDef; name: string; replaces?: string }

/**
 * The indexes of a physical table as schema sync builds them. Every table's rows are scoped by organisation (the
 * default row scope), and a scoped read ORs the shared rows (no organisation) with the reader's organisations:
 *  - a non-unique index ends with the scope columns after its fields and id, so a scoped count reads the index alone
 *    and a filtered, sorted list still walks it in order (leading with the scope column would not: with two scope
 *    values the matches must be sorted, measured 40× slower at 1M rows on SQLite);
 *  - one index on the organisation column and id serves the scoped count of the whole table.
 * A declared index keeps its `name`; a derived name changes with the columns, so a database synced before scope
 * columns were appended gets the new index and loses the old one (`replaces`).
 */
export function syncedIndexes(registry: Registry, table: PhysicalTable): SyncedIndex[] {
  const scope = scopeColumns(registry, table.name);
  const out: SyncedIndex[] = table.indexes.map((def) => {
    const scoped = scopedIndex(def, scope);
    if (scoped === def) return { def, name: indexName(table.name, def) };
    return { def: scoped, name: indexName(table.name, scoped), replaces: def.name ? undefined : indexName(table.name, def) };
  });
  const org = scope[0];
  if (org && !out.some((i) => i.def.fields[0] === org)) {
    const def: IndexDef = { fields: [org, '-id'] };
    out.push({ def, name: indexName(table.name, def) });
  }
  const names = new Set(out.map((i) => i.name));
  // An index still wanted under its old name is not superseded.
  for (const i of out) if (i.replaces && names.has(i.replaces)) delete i.replaces;
  return out;
}

/**
 * Compare the registry with what sync last applied and list every change. Pure read: nothing is altered.
 */
export async function planSchemaSync(db: Database, registry: Registry): Promise<SchemaChange[]> {
  const state = await readState(db.knex);
  const existingIndexes = await db.dialect.indexNames(db.knex);
  const changes: SchemaChange[] = [];
  for (const [name, table] of registry.physicalTables) {
    const declared = declaredColumns(table);
    const applied = state.get(name);
    if (!applied) {
      changes.push({ kind: 'create_table', table: name, additive: true });
    } else {
      for (const [column, type] of Object.entries(declared)) {
        const old = applied[column];
        if (old === undefined) changes.push({ kind: 'add_column', table: name, field: column, newType: type, additive: true });
        else if (old !== type) changes.push({ kind: 'change_type', table: name, field: column, oldType: old, newType: type, additive: false });
      }
      for (const [column, old] of Object.entries(applied)) {
        if (!(column in declared)) changes.push({ kind: 'drop_column', table: name, field: column, oldType: old, additive: false });
      }
    }
    for (const index of syncedIndexes(registry, table)) {
      if (existingIndexes.has(index.name)) continue;
      const replaces = index.replaces && existingIndexes.has(index.replaces) ? { replaces: index.replaces } : {};
      changes.push({ kind: 'add_index', table: name, index: index.name, ...replaces, additive: true });
    }
  }
  for (const name of state.keys()) {
    if (!registry.physicalTables.has(name)) changes.push({ kind: 'drop_table', table: name, additive: false });
  }
  return changes;
}

/** The message for a refused change: names table, field, old and new type, and the way forward. */
export function describeRefusal(c: SchemaChange): string {
  switch (c.kind) {
    case 'change_type':
      return `Field "${c.field}" of table "${c.table}" would change type from ${c.oldType} to ${c.newType}; write a migration that converts the column and calls acceptSchemaChange().`;
    case 'drop_column':
      return `Field "${c.field}" (${c.oldType}) of table "${c.table}" is no longer declared; dropping its column loses data, so it needs a migration that calls acceptSchemaChange().`;
    default:
      return `Table "${c.table}" is no longer declared; dropping it loses data, so it needs a migration that calls acceptSchemaChange().`;
  }
}

async function createIndex(knex: Knex, table: string, index: IndexDef, name: string): Promise<void> {
  const columns = index.fields.map((f) => (f.startsWith('-') ? { col: f.slice(1), dir: 'desc' } : { col: f, dir: 'asc' }));
  // Lists break sort ties on the (time-ordered) id; ending a non-unique index with it lets the index deliver
  // "filter + sort + limit" in order without sorting every match.
  if (!index.unique && !columns.some((c) => c.col === 'id')) columns.push({ col: 'id', dir: columns[columns.length - 1]!.dir });
  // Identifiers are bound with ??; the only text spliced in is the fixed keywords asc/desc/unique.
  const cols = columns.map((c) => `?? ${c.dir}`).join(', ');
  await knex.raw(`create ${index.unique ? 'unique ' : ''}index if not exists ?? on ?? (${cols})`, [
    name, table, ...columns.map((c) => c.col),
  ]);
}

/**
 * Apply every additive change (new tables, columns, indexes, number sequences) in one transaction where the
 * dialect allows DDL in transactions. Refuses with `schema_change_refused` (listing every refused change)
 * before altering anything when a destructive or type-changing change is pending. `keep` names dropped tables and
 * columns to leave as they are, data and all (the studio's hidden definitions): neither refused nor applied.
 */
export async function applySchemaSync(
  db: Database, registry: Registry, now: Date = new Date(), keep?: (c: SchemaChange) => boolean,
): Promise<SchemaChange[]> {
  const changes = await planSchemaSync(db, registry);
  const kept = changes.filter((c) => (c.kind === 'drop_table' || c.kind === 'drop_column') && keep?.(c));
  const refused = changes.filter((c) => !c.additive && !kept.includes(c));
  if (refused.length) {
    fail('schema_change_refused', refused.map(describeRefusal).join('\n'), {
      fieldErrors: refused.map((c) => ({ field: `${c.table}.${c.field ?? ''}`.replace(/\.$/, ''), code: c.kind, message: describeRefusal(c) })),
      extra: { changes: refused },
    });
  }
  await db.knex.transaction(async (trx) => {
    for (const c of changes) {
      const table = registry.physicalTables.get(c.table)!;
      if (c.kind === 'create_table') {
        await trx.schema.createTable(c.table, (t) => {
          for (const [column, field] of table.columns) {
            const col = t.specificType(column, db.dialect.columnType(storageTypeOf(field)));
            if (column === 'id') col.primary();
            if (column === 'version' || column === 'class' || column === 'created_at' || column === 'updated_at') col.notNullable();
          }
        });
      } else if (c.kind === 'add_column') {
        const field = table.columns.get(c.field!)!;
        await trx.schema.alterTable(c.table, (t) => {
          t.specificType(c.field!, db.dialect.columnType(storageTypeOf(field)));
        });
        // A system counter switched on for a table with records starts them at its default, as new records do.
        if (field.system && field.default !== undefined) await trx(c.table).update({ [c.field!]: field.default });
      }
    }
    for (const c of changes) {
      if (c.kind === 'add_index') {
        const table = registry.physicalTables.get(c.table)!;
        const index = syncedIndexes(registry, table).find((i) => i.name === c.index)!;
        await createIndex(trx, c.table, index.def, index.name);
        if (c.replaces) await trx.raw('drop index if exists ??', [c.replaces]);
      }
    }
    for (const [name, table] of registry.physicalTables) {
      // A kept column stays recorded, so declaring it again later finds it there instead of adding it twice.
      const keptColumns = Object.fromEntries(kept.filter((c) => c.table === name && c.field).map((c) => [c.field!, c.oldType!]));
      const columns = JSON.stringify({ ...keptColumns, ...declaredColumns(table) });
      await trx('sys_table_schema').insert({ table_name: name, columns, applied_at: now.toISOString() })
        .onConflict('table_name').merge(['columns', 'applied_at']);
    }
    const sequences = [...registry.tables.values()].filter((t) => t.def.numberPrefix).map((t) => ({ name: t.name, value: 0 }));
    if (sequences.length) await trx('sys_sequence').insert(sequences).onConflict('name').ignore();
    // Full-text indexes follow the tables' searchable fields: created and backfilled, rebuilt or dropped.
    await syncSearchIndexes(db, trx, registry);
  });
  return changes;
}

/**
 * For migration authors: record that a migration has dropped or converted a column (or a whole table), so
 * schema sync accepts the definition change. `newType` null means the column (or with no field, the table) is gone.
 */
export async function acceptSchemaChange(knex: Knex, table: string, field: string | null, newType: string | null): Promise<void> {
  const row = await knex('sys_table_schema').where({ table_name: table }).first();
  if (!row) return;
  if (field === null) {
    await knex('sys_table_schema').where({ table_name: table }).delete();
    return;
  }
  const columns: ColumnState = JSON.parse(row.columns);
  if (newType === null) delete columns[field];
  else columns[field] = newType;
  await knex('sys_table_schema').where({ table_name: table }).update({ columns: JSON.stringify(columns) });
}
