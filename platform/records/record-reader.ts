import type { Knex } from 'knex';
import type { Database } from '../db/connection.js';
import { isStringList, valueTypeOf } from '../db/storage-types.js';
import type { ResolvedField, ResolvedTable } from '../definitions/types.js';
import { compileToSql, type CompileField, type FactContext } from '../conditions/index.js';
import type { TableAccess } from '../access/policy.js';
import { fail } from '../errors.js';
import type { GuardedField } from './hooks.js';
import { maskedFields, maskRecords } from './row-masking.js';
import type { FieldSealer } from './sealing.js';
import type { QueryResult, QuerySpec, RecordData, TotalKind } from './types.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
/**
 * How far an estimated total (`withTotal: 'estimate'`) counts exactly: counting stops after this many matches plus
 * one, so a list's total costs at most that many index entries however large the table grows.
 */
export const TOTAL_CAP = 10_000;

const UNSORTABLE = new Set(['json', 'attachment']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The same answer for a field that does not exist and one the reader may not see: masked fields stay secret. */
function unknownField(table: ResolvedTable, name: string): never {
  fail('unknown_field', `Table "${table.name}" has no field "${name}".`, {
    fieldErrors: [{ field: name, code: 'unknown_field', message: `Table "${table.name}" has no field "${name}".` }],
  });
}

/**
 * Who reads and under which policy: the access of the operation (its row condition restricts every statement,
 * its readable fields decide what may be selected, filtered and sorted) and the facts the condition is bound to.
 */
export interface ReadScope {
  access: TableAccess;
  facts: FactContext;
  /** Fields this reader's filters and sorts may not use as stored (RecordHook.guardedFields). */
  guarded?: ReadonlyMap<string, GuardedField>;
}

/**
 * Full-text matching for lists (`QuerySpec.search`), supplied by platform/search: restricts `qb` (a query on
 * `table.physical`) to the rows matching `text` in the fields the scope may read, and returns the ORDER BY of
 * relevance. Errors: invalid_query (a bad query, or a table that is not searchable).
 */
export type TextSearch = (
  qb: Knex.QueryBuilder, table: ResolvedTable, scope: ReadScope, text: string,
) => { sql: string; bindings: unknown[] };

export interface ReadManyOptions {
  /** Fields to return (id and version always come back); each must be readable. Default: every readable field. */
  columns?: string[];
  /** Every column, readable or not: for the service's own use (the record before a write), never returned as is. */
  allColumns?: boolean;
  forUpdate?: boolean;
}

/**
 * Reads rows of one table hierarchy and converts them between database and API form. Every read of records goes
 * through here, so the class restriction, the row condition of the actor's grants (compiled into the statement,
 * never applied after fetching) and field masking apply to all of them.
 */
export class RecordReader {
  readonly #db: Database;
  readonly #sealer: FieldSealer;
  /** Select lists by table and columns, as knex quotes them (see {@link #selectList}). */
  readonly #selectLists = new Map<string, string>();
  /** Full-text matching for `QuerySpec.search` (set by the engine; null: lists refuse `search`). */
  textSearch: TextSearch | null = null;

  constructor(db: Database, sealer: FieldSealer) {
    this.#db = db;
    this.#sealer = sealer;
  }

  /** Restrict a query on a physical table to the classes of `table` (nothing to add for a hierarchy's root). */
  scope(qb: Knex.QueryBuilder, table: ResolvedTable): Knex.QueryBuilder {
    if (table.ancestors.length === 0) return qb;
    return qb.whereIn(`${table.physical}.class`, table.classes);
  }

  /** Add the row condition of the access (if any) to a query on `table`, as parameterised SQL. */
  restrict(qb: Knex.QueryBuilder, table: ResolvedTable, scope: ReadScope): Knex.QueryBuilder {
    const condition = scope.access.rowCondition;
    if (!condition) return qb;
    // Grant conditions may name any field of the table, readable or not (lint keeps encrypted ones out).
    return qb.where(compileToSql(condition, {
      dialect: this.#db.dialect,
      context: this.#rowFacts(table, scope.facts),
      resolveField: (name) => {
        const f = table.fields.get(name);
        if (!f || f.column === null) return undefined;
        if (f.encrypted) fail('internal_error', `A row condition of table "${table.name}" names the encrypted field "${name}".`);
        return this.#compileField(table, f);
      },
    }));
  }

  /**
   * An id column holds only UUIDs: organisation "ids" that are not UUIDs can match no record, so they are left out
   * of `user.orgs` here rather than refused as a malformed id (the in-memory evaluation gives the same answer).
   */
  #rowFacts(table: ResolvedTable, facts: FactContext): FactContext {
    const type = table.fields.get(table.orgField)?.type;
    const orgs = facts.user?.orgs;
    if ((type !== 'uuid' && type !== 'reference') || !Array.isArray(orgs) || orgs.every((o) => typeof o === 'string' && UUID.test(o))) return facts;
    return { ...facts, user: { ...facts.user, orgs: orgs.filter((o) => typeof o === 'string' && UUID.test(o)) } };
  }

  #compileField(table: ResolvedTable, f: ResolvedField): CompileField {
    return { column: `${table.physical}.${f.column}`, type: valueTypeOf(f), multiple: isStringList(f) };
  }

  /** A field the reader may use in a filter or sort: it exists, has a column, is readable and is not encrypted. */
  #usable(table: ResolvedTable, scope: ReadScope, name: string, use: 'filter' | 'sort'): ResolvedField | undefined {
    const f = table.fields.get(name);
    if (!f || f.column === null || !scope.access.readable.has(name)) return undefined;
    // A per-record condition cannot guard a filter or sort: the rows it reorders or matches would tell the value.
    if (f.readableWhen && !scope.access.unrestricted) return undefined;
    if (f.encrypted) fail('invalid_query', `Field "${name}" of table "${table.name}" is encrypted at rest and cannot be used to ${use} records.`);
    const guarded = scope.guarded?.get(name);
    if (guarded && (use === 'filter' || !guarded.sortBy)) fail('invalid_query', guarded.message);
    return f;
  }

  #columnsFor(table: ResolvedTable, scope: ReadScope, fields?: string[]): ResolvedField[] {
    const readable = scope.access.readable;
    if (!fields || fields.length === 0) return [...table.fields.values()].filter((f) => f.column !== null && readable.has(f.name));
    const wanted = new Set(['id', 'version', ...fields]);
    const out: ResolvedField[] = [];
    for (const name of wanted) {
      const f = table.fields.get(name);
      if (!f || f.column === null || !readable.has(name)) unknownField(table, name);
      out.push(f);
    }
    return out;
  }

  async readOne(
    knex: Knex | Knex.Transaction, table: ResolvedTable, id: string, scope: ReadScope, fields?: string[],
  ): Promise<RecordData | null> {
    const rows = await this.readMany(knex, table, [id], scope, { columns: fields });
    return rows[0] ?? null;
  }

  /** The records of `ids` the scope reaches (others are simply absent), in no particular order. */
  async readMany(
    knex: Knex | Knex.Transaction, table: ResolvedTable, ids: string[], scope: ReadScope, opts: ReadManyOptions = {},
  ): Promise<RecordData[]> {
    const cols = opts.allColumns
      ? [...table.fields.values()].filter((f) => f.column !== null)
      : this.#columnsFor(table, scope, opts.columns);
    const masking = !opts.allColumns && this.#masks(table, scope);
    const selected = masking ? [...table.fields.values()].filter((f) => f.column !== null) : cols;
    const qb = knex(table.physical).select(this.#selectList(knex, table, selected)).whereIn(`${table.physical}.id`, ids);
    this.restrict(this.scope(qb, table), table, scope);
    if (opts.forUpdate) this.#db.dialect.lockRowsForUpdate(qb);
    const rows = await qb;
    if (!masking) return rows.map((r: RecordData) => this.fromRow(cols, r));
    return this.#masked(table, scope, cols, selected, rows);
  }

  /**
   * The select list of `fields` (`"t"."a", "t"."b", …`): quoted once by knex for each table and set of columns and
   * kept, since quoting twenty identifiers on every read cost as much as the rest of building the statement. It holds
   * identifiers from the definitions only, never a value.
   */
  #selectList(knex: Knex | Knex.Transaction, table: ResolvedTable, fields: ResolvedField[]): Knex.Raw {
    const columns = fields.map((f) => `${table.physical}.${f.column!}`);
    const key = columns.join(',');
    let sql = this.#selectLists.get(key);
    if (sql === undefined) {
      sql = this.#db.knex.raw(columns.map(() => '??').join(', '), columns).toSQL().sql;
      // Tables and their readable columns are few; a registry change may add shapes, so the map is bounded.
      if (this.#selectLists.size >= 1000) this.#selectLists.clear();
      this.#selectLists.set(key, sql);
    }
    return knex.raw(sql);
  }

  /** Whether some field of the table is masked record by record for this reader. */
  #masks(table: ResolvedTable, scope: ReadScope): boolean {
    return !scope.access.unrestricted && maskedFields(table).length > 0;
  }

  /** Rows fetched with every column → API records of `cols`, without the values the reader may not see on each. */
  async #masked(
    table: ResolvedTable, scope: ReadScope, cols: ResolvedField[], all: ResolvedField[], rows: RecordData[],
  ): Promise<RecordData[]> {
    const full = rows.map((r) => this.fromRow(all, r));
    const out = rows.map((r) => this.fromRow(cols, r));
    await maskRecords(table, scope.access.unrestricted, scope.facts, out, full);
    return out;
  }

  async query(knex: Knex | Knex.Transaction, table: ResolvedTable, spec: QuerySpec, scope: ReadScope): Promise<QueryResult> {
    const limit = spec.limit ?? DEFAULT_LIMIT;
    const offset = spec.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) fail('invalid_query', `limit must be a whole number from 1 to ${MAX_LIMIT}; got ${limit}.`);
    if (!Number.isInteger(offset) || offset < 0) fail('invalid_query', `offset must be a whole number of 0 or more; got ${offset}.`);
    const cols = this.#columnsFor(table, scope, spec.fields);

    // The row condition and the client's filter are both in the statement: rows and total count alike.
    const base = this.restrict(this.scope(knex(table.physical), table), table, scope);
    if (spec.filter) {
      base.where(compileToSql(spec.filter, {
        dialect: this.#db.dialect,
        context: scope.facts,
        resolveField: (name: string) => {
          const f = this.#usable(table, scope, name, 'filter');
          return f ? this.#compileField(table, f) : undefined;
        },
      }));
    }

    let relevance: { sql: string; bindings: unknown[] } | null = null;
    if (spec.search !== undefined) {
      if (!this.textSearch) fail('invalid_query', `Table "${table.name}" is not searchable.`);
      relevance = this.textSearch(base, table, scope, spec.search);
    }

    const order: { column: string; order: 'asc' | 'desc'; raw?: { sql: string; bindings: unknown[] } }[] = [];
    const idColumn = `${table.physical}.id`;
    for (const s of spec.sort ?? []) {
      const f = this.#usable(table, scope, s.field, 'sort');
      if (!f) unknownField(table, s.field);
      if (UNSORTABLE.has(f.type) || isStringList(f)) fail('invalid_query', `Field "${s.field}" of table "${table.name}" holds a list or JSON and cannot be sorted.`);
      const column = `${table.physical}.${f.column}`;
      const raw = scope.guarded?.get(f.name)?.sortBy?.(this.#db.dialect.name, column, idColumn);
      order.push({ column, order: s.direction === 'desc' ? 'desc' : 'asc', ...(raw ? { raw } : {}) });
    }
    // The id is time-ordered: it breaks ties so pages are stable, and alone it sorts newest first.
    if (!order.some((o) => o.column === idColumn)) order.push({ column: idColumn, order: order.length ? order[order.length - 1]!.order : 'desc' });

    const masking = this.#masks(table, scope);
    const selected = masking ? [...table.fields.values()].filter((f) => f.column !== null) : cols;
    const rowsQuery = base.clone().select(this.#selectList(knex, table, selected));
    // Best matches first unless the client sorts: relevance, then the id as the tie-break.
    if (relevance && !spec.sort?.length) rowsQuery.orderByRaw(relevance.sql, relevance.bindings as Knex.RawBinding[]);
    for (const o of order) {
      if (o.raw) rowsQuery.orderByRaw(`${o.raw.sql} ${o.order}`, o.raw.bindings as Knex.RawBinding[]);
      else rowsQuery.orderBy(o.column, o.order);
    }
    rowsQuery.limit(limit).offset(offset);
    const [rows, { total, totalKind }] = await Promise.all([rowsQuery, this.#total(knex, base, spec.withTotal ?? true)]);
    const records = masking ? await this.#masked(table, scope, cols, selected, rows) : rows.map((r: RecordData) => this.fromRow(cols, r));
    return { records, total, totalKind, limit, offset };
  }

  /**
   * The total of a list's matches (`base`: the filtered, restricted query). An estimate counts at most
   * {@link TOTAL_CAP} + 1 matches (exact below the cap); past it, the planner's estimate where the database makes one
   * and it agrees that the cap is passed, else the lower bound.
   */
  async #total(
    knex: Knex | Knex.Transaction, base: Knex.QueryBuilder, mode: boolean | 'estimate',
  ): Promise<{ total: number | null; totalKind: TotalKind | null }> {
    if (mode === false) return { total: null, totalKind: null };
    const count = async (qb: Knex.QueryBuilder) => Number(((await qb.first()) as { n: unknown }).n);
    if (mode === true) return { total: await count(base.clone().count({ n: '*' })), totalKind: 'exact' };
    const matches = base.clone().select(knex.raw('1'));
    const capped = await count(knex.queryBuilder().count({ n: '*' }).from(matches.clone().limit(TOTAL_CAP + 1).as('capped')));
    if (capped <= TOTAL_CAP) return { total: capped, totalKind: 'exact' };
    const estimate = await this.#db.dialect.estimateRows(knex, matches);
    if (estimate !== null && estimate > TOTAL_CAP) return { total: estimate, totalKind: 'estimate' };
    return { total: capped, totalKind: 'atLeast' };
  }

  /** Database row → API record (encrypted values opened). */
  fromRow(cols: ResolvedField[], row: RecordData): RecordData {
    const out: RecordData = {};
    for (const c of cols) out[c.name] = this.#db.dialect.fromDb(valueTypeOf(c), this.#sealer.open(c, row[c.column!]));
    return out;
  }

  /** API record (possibly partial) → database row (encrypted values sealed). */
  toRow(table: ResolvedTable, record: RecordData): RecordData {
    const row: RecordData = {};
    for (const [name, value] of Object.entries(record)) {
      const f = table.fields.get(name);
      if (!f || f.column === null) continue;
      row[f.column] = this.#sealer.seal(f, this.#db.dialect.toDb(valueTypeOf(f), value));
    }
    return row;
  }
}
