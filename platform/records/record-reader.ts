import type { Knex } from 'knex';
import type { Database } from '../db/connection.js';
import { valueTypeOf } from '../db/storage-types.js';
import type { ResolvedField, ResolvedTable } from '../definitions/types.js';
import { compileToSql } from '../conditions/index.js';
import { fail } from '../errors.js';
import type { Actor, QueryResult, QuerySpec, RecordData } from './types.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;

const UNSORTABLE = new Set(['json', 'attachment']);

function unknownField(table: ResolvedTable, name: string): never {
  fail('unknown_field', `Table "${table.name}" has no field "${name}".`, {
    fieldErrors: [{ field: name, code: 'unknown_field', message: `Table "${table.name}" has no field "${name}".` }],
  });
}

/**
 * Reads rows of one table hierarchy and converts them between database and API form. Every read of records goes
 * through here, so the class restriction (and, with the access issue, row conditions) applies to all of them.
 */
export class RecordReader {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Restrict a query on a physical table to the classes of `table` (nothing to add for a hierarchy's root). */
  scope(qb: Knex.QueryBuilder, table: ResolvedTable): Knex.QueryBuilder {
    if (table.ancestors.length === 0) return qb;
    return qb.whereIn(`${table.physical}.class`, table.classes);
  }

  #columnsFor(table: ResolvedTable, fields?: string[]): ResolvedField[] {
    if (!fields || fields.length === 0) return [...table.fields.values()].filter((f) => f.column !== null);
    const wanted = new Set(['id', 'version', ...fields]);
    const out: ResolvedField[] = [];
    for (const name of wanted) {
      const f = table.fields.get(name);
      if (!f || f.column === null) unknownField(table, name);
      out.push(f);
    }
    return out;
  }

  async readOne(knex: Knex | Knex.Transaction, table: ResolvedTable, id: string, fields?: string[]): Promise<RecordData | null> {
    const rows = await this.readMany(knex, table, [id], { columns: fields });
    return rows[0] ?? null;
  }

  async readMany(knex: Knex | Knex.Transaction, table: ResolvedTable, ids: string[], opts: { columns?: string[]; forUpdate?: boolean } = {}): Promise<RecordData[]> {
    const cols = this.#columnsFor(table, opts.columns);
    const qb = this.scope(knex(table.physical).select(cols.map((c) => c.column!)).whereIn('id', ids), table);
    // SQLite's IMMEDIATE transaction already holds the write lock; PostgreSQL needs the row lock.
    if (opts.forUpdate && this.#db.dialect.name === 'postgres') qb.forUpdate();
    const rows = await qb;
    return rows.map((r: RecordData) => this.fromRow(cols, r));
  }

  async query(knex: Knex | Knex.Transaction, table: ResolvedTable, spec: QuerySpec, actor: Actor, now: Date): Promise<QueryResult> {
    const limit = spec.limit ?? DEFAULT_LIMIT;
    const offset = spec.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) fail('invalid_query', `limit must be a whole number from 1 to ${MAX_LIMIT}; got ${limit}.`);
    if (!Number.isInteger(offset) || offset < 0) fail('invalid_query', `offset must be a whole number of 0 or more; got ${offset}.`);
    const cols = this.#columnsFor(table, spec.fields);

    const base = this.scope(knex(table.physical), table);
    if (spec.filter) {
      const where = compileToSql(spec.filter, {
        dialect: this.#db.dialect,
        context: { user: { id: actor.id, roles: actor.roles, orgs: actor.orgs }, now: now.toISOString() },
        resolveField: (name: string) => {
          const f = table.fields.get(name);
          return f && f.column !== null ? { column: `${table.physical}.${f.column}`, type: valueTypeOf(f), multiple: f.multiple } : undefined;
        },
      });
      base.where(where);
    }

    const order: { column: string; order: 'asc' | 'desc' }[] = [];
    for (const s of spec.sort ?? []) {
      const f = table.fields.get(s.field);
      if (!f || f.column === null) unknownField(table, s.field);
      if (UNSORTABLE.has(f.type) || f.multiple) fail('invalid_query', `Field "${s.field}" of table "${table.name}" holds a list or JSON and cannot be sorted.`);
      order.push({ column: f.column, order: s.direction === 'desc' ? 'desc' : 'asc' });
    }
    // The id is time-ordered: it breaks ties so pages are stable, and alone it sorts newest first.
    if (!order.some((o) => o.column === 'id')) order.push({ column: 'id', order: order.length ? order[order.length - 1]!.order : 'desc' });

    const rowsQuery = base.clone().select(cols.map((c) => `${table.physical}.${c.column}`)).orderBy(order).limit(limit).offset(offset);
    const [rows, total] = await Promise.all([
      rowsQuery,
      spec.withTotal === false ? Promise.resolve(null) : base.clone().count({ n: '*' }).first().then((r) => Number((r as { n: unknown }).n)),
    ]);
    return { records: rows.map((r: RecordData) => this.fromRow(cols, r)), total, limit, offset };
  }

  /** Database row → API record. */
  fromRow(cols: ResolvedField[], row: RecordData): RecordData {
    const out: RecordData = {};
    for (const c of cols) out[c.name] = this.#db.dialect.fromDb(valueTypeOf(c), row[c.column!]);
    return out;
  }

  /** API record (possibly partial) → database row. */
  toRow(table: ResolvedTable, record: RecordData): RecordData {
    const row: RecordData = {};
    for (const [name, value] of Object.entries(record)) {
      const f = table.fields.get(name);
      if (!f || f.column === null) continue;
      row[f.column] = this.#db.dialect.toDb(valueTypeOf(f), value);
    }
    return row;
  }
}
