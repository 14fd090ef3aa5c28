/**
 * The search index of each physical table: which exist, which the registry wants, and keeping them in step — created
 * and backfilled when a table becomes searchable, rebuilt when its searched fields change, dropped when it stops
 * being searchable (schema sync calls {@link syncSearchIndexes}); one record's row written in its write transaction
 * ({@link searchRecordHook}); a whole index rebuilt on demand (`formwork search rebuild`).
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Database } from '../db/connection.js';
import { storageTypeOf, valueTypeOf } from '../db/storage-types.js';
import type { ResolvedTable } from '../definitions/model.js';
import type { Registry } from '../definitions/types.js';
import { fail } from '../errors.js';
import type { RecordHook } from '../records/hooks.js';
import type { RecordData } from '../records/types.js';
import { hasVersionedClass, publishedContent } from '../versions/published.js';
import { indexTextOf, searchFieldsOf, type SearchWeight } from './fields.js';
import { postgresSearch } from './dialects/postgres.js';
import { sqliteSearch } from './dialects/sqlite.js';
import type { IndexShape, SearchBackend } from './dialects/types.js';

/** Records read per page when an index is backfilled. */
const PAGE = 500;
const INDEX_NAME = /^(.+)__search_[0-9a-f]{8}$/;

/** The search backend of a database's dialect. */
export function backendOf(db: Database): SearchBackend {
  return db.dialect.name === 'postgres' ? postgresSearch : sqliteSearch;
}

/**
 * The index shapes the registry wants, by physical table: the union of the searched fields of the tables in its
 * hierarchy. The name carries a hash of the fields and their weights, so a change of either is a new index (built, then
 * the old dropped).
 */
export function indexShapes(registry: Registry): Map<string, IndexShape> {
  return registry.memo('search-index-shapes', () => {
    const fields = new Map<string, Map<string, SearchWeight | null>>();
    for (const t of registry.tables.values()) {
      for (const f of searchFieldsOf(registry, t)) {
        let weights = fields.get(t.physical);
        if (!weights) fields.set(t.physical, (weights = new Map()));
        // Tables of one hierarchy that weigh a field differently: no stored weight serves them all.
        weights.set(f.name, !weights.has(f.name) || weights.get(f.name) === f.weight ? f.weight : null);
      }
    }
    const out = new Map<string, IndexShape>();
    for (const [physical, set] of fields) {
      const list = [...set.keys()].sort();
      const weights = Object.fromEntries(list.map((f) => [f, set.get(f) ?? 'normal'])) as Record<string, SearchWeight>;
      const hash = createHash('sha256').update(`2:${list.map((f) => `${f}=${weights[f]}`).join(',')}`).digest('hex').slice(0, 8);
      // Within PostgreSQL's 63 characters, with room for the suffixes the dialects add.
      const base = physical.length <= 36 ? physical : `${physical.slice(0, 27)}_${createHash('sha256').update(physical).digest('hex').slice(0, 8)}`;
      out.set(physical, { name: `${base}__search_${hash}`, physical, fields: list, weights });
    }
    return out;
  });
}

/** The index row of one record of class `table`: its searched fields' text (others null). */
function textsOf(registry: Registry, table: ResolvedTable, record: RecordData): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of searchFieldsOf(registry, table)) out[f.name] = indexTextOf(f.field, record[f.name]);
  return out;
}

/** Write every record of `shape` into its (empty) index, a page at a time. */
async function backfill(db: Database, trx: Knex | Knex.Transaction, registry: Registry, shape: IndexShape): Promise<number> {
  const physical = registry.physicalTables.get(shape.physical)!;
  const backend = backendOf(db);
  const classes = new Map([...registry.tables.values()].filter((t) => t.physical === shape.physical).map((t) => [t.name, t]));
  const root = [...classes.values()].find((t) => t.ancestors.length === 0)!;
  const columns = ['id', ...(physical.columns.has('class') ? ['class'] : []), ...shape.fields.map((f) => physical.columns.get(f)!.column!)];
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const qb = trx(shape.physical).select(columns).orderBy('id').limit(PAGE);
    if (after !== null) qb.where('id', '>', after);
    const rows: RecordData[] = await qb;
    if (!rows.length) return count;
    const tableOf = (row: RecordData) => classes.get(String(row.class ?? root.name)) ?? root;
    // Readers' content: the published version of a record under revision, never its draft.
    const published = await publishedContent(trx, registry, rows.map((row) => ({ id: String(row.id), table: tableOf(row) })), shape.fields);
    const out = rows.map((row) => {
      const record: RecordData = {};
      for (const name of shape.fields) {
        const f = physical.columns.get(name)!;
        record[name] = db.dialect.fromDb(valueTypeOf(f), row[f.column!]);
      }
      Object.assign(record, published.get(String(row.id)));
      return { id: String(row.id), texts: textsOf(registry, tableOf(row), record) };
    });
    await backend.write(trx, shape, out);
    count += rows.length;
    after = String(rows[rows.length - 1]!.id);
  }
}

/**
 * Bring the search indexes in line with the registry in `trx`: create and backfill missing ones, drop those no table
 * wants (including an index of fields no longer searched). Returns the names created and dropped.
 */
export async function syncSearchIndexes(
  db: Database, trx: Knex | Knex.Transaction, registry: Registry,
): Promise<{ created: string[]; dropped: string[] }> {
  const backend = backendOf(db);
  const wanted = indexShapes(registry);
  const existing = new Set((await backend.existing(trx)).filter((n) => INDEX_NAME.test(n)));
  const created: string[] = [];
  const dropped: string[] = [];
  for (const shape of wanted.values()) {
    if (existing.has(shape.name)) continue;
    await backend.create(trx, shape, idTypeOf(db, registry, shape));
    await backfill(db, trx, registry, shape);
    created.push(shape.name);
  }
  const names = new Set([...wanted.values()].map((s) => s.name));
  for (const name of existing) {
    if (names.has(name)) continue;
    await backend.drop(trx, name);
    dropped.push(name);
  }
  return { created, dropped };
}

function idTypeOf(db: Database, registry: Registry, shape: IndexShape): string {
  return db.dialect.columnType(storageTypeOf(registry.physicalTables.get(shape.physical)!.columns.get('id')!));
}

/**
 * Empty and refill the index of `table`'s physical table (every physical table with one when `table` is omitted),
 * in one transaction. Returns the records indexed per physical table. Errors: invalid_query for a table that is not
 * searchable; table_not_found for an unknown one.
 */
export async function rebuildSearchIndexes(db: Database, registry: Registry, table?: string): Promise<Record<string, number>> {
  const shapes = indexShapes(registry);
  let chosen = [...shapes.values()];
  if (table !== undefined) {
    const shape = shapes.get(registry.getTable(table).physical);
    if (!shape) fail('invalid_query', `Table "${table}" is not searchable: it declares no searchable fields.`);
    chosen = [shape];
  }
  const backend = backendOf(db);
  const out: Record<string, number> = {};
  await db.knex.transaction(async (trx) => {
    for (const shape of chosen) {
      await backend.drop(trx, shape.name);
      await backend.create(trx, shape, idTypeOf(db, registry, shape));
      out[shape.physical] = await backfill(db, trx, registry, shape);
    }
  });
  return out;
}

/**
 * The record hook writing a record's index row in its write transaction: on insert and update its searched fields'
 * text (attachment fields change through record updates, so their file names follow), on delete its removal.
 */
export function searchRecordHook(db: Database): RecordHook {
  const backend = backendOf(db);
  return {
    name: 'search',
    async after(ctx, record, previous) {
      const shape = indexShapes(ctx.registry).get(ctx.table.physical);
      if (!shape) return;
      const id = String(record.id ?? previous?.id);
      if (ctx.operation === 'delete') {
        await backend.remove(ctx.trx, shape, [id]);
        return;
      }
      const fields = searchFieldsOf(ctx.registry, ctx.table);
      // Content versions (their hook runs before this one): the index holds what readers see, the latest published
      // version's content, which a write changing no searched field can publish too.
      const versioned = hasVersionedClass(ctx.registry, ctx.table);
      // An update that changed no searched field leaves the row as it is.
      if (!versioned && ctx.operation === 'update' && previous
        && fields.every((f) => !(f.name in record) || sameJson(record[f.name], previous[f.name]))) return;
      const values = { ...previous, ...record };
      if (versioned) {
        Object.assign(values, (await publishedContent(ctx.trx, ctx.registry, [{ id, table: ctx.table }], shape.fields)).get(id));
      }
      await backend.write(ctx.trx, shape, [{ id, texts: textsOf(ctx.registry, ctx.table, values) }]);
    },
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
