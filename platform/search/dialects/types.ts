import type { Knex } from 'knex';
import type { SearchQuery } from '../query.js';
import type { SearchWeight } from '../fields.js';

/** A piece of SQL and its bindings. */
export interface SqlPart { sql: string; bindings: unknown[] }

/** The index of one physical table: its table name(s) and the fields (columns) it holds. */
export interface IndexShape {
  /** The table holding the indexed text (`<physical>__search_<hash>`); the dialect may add tables named after it. */
  name: string;
  /** The physical record table. */
  physical: string;
  /** Field names with an index column, in column order. */
  fields: readonly string[];
  /**
   * Each field's weight where every table sharing the physical table gives it the same one (else "normal"): a
   * dialect may store the document ranked with these, so a search with exactly these weights ranks it as stored.
   */
  weights: Readonly<Record<string, SearchWeight>>;
}

/** The searched fields of one search: the columns a caller may match, with their weights. */
export type WeightedFields = readonly { name: string; weight: SearchWeight }[];

/**
 * What differs between SQLite (FTS5) and PostgreSQL (tsvector) in full-text search. Every statement binds values;
 * identifiers come from definitions (checked names) and are bound with `??` where knex allows it.
 */
export interface SearchBackend {
  /** Create the index tables of `shape` (empty). */
  create(trx: Knex | Knex.Transaction, shape: IndexShape, idType: string): Promise<void>;
  /** Drop the index tables named `name`. */
  drop(trx: Knex | Knex.Transaction, name: string): Promise<void>;
  /** The names of the index tables that exist. */
  existing(knex: Knex | Knex.Transaction): Promise<string[]>;
  /** Write (insert or replace) the index rows of records: id and the text of each field (null: none). */
  write(trx: Knex | Knex.Transaction, shape: IndexShape, rows: { id: string; texts: Record<string, string | null> }[]): Promise<void>;
  /** Remove the index rows of records. */
  remove(trx: Knex | Knex.Transaction, shape: IndexShape, ids: readonly string[]): Promise<void>;
  /**
   * Join the index to `qb` (a query on `shape.physical`) and keep the rows matching `query` in `fields`. Returns the
   * ORDER BY of relevance (best first) and the score expression (higher is better).
   */
  match(qb: Knex.QueryBuilder, shape: IndexShape, query: SearchQuery, fields: WeightedFields): { order: SqlPart; score: SqlPart };
  /**
   * The matches of `query` in `fields` of the records `ids` (a result page: marking is costly on long text, so it
   * is never done for every matching row), by id: per field, as `m_<field>`, its text with matches marked by
   * U+E000 … U+E001 (null, or text without marks, where the field does not match; a leading U+E001 says the field
   * matched where the marks could not be placed).
   */
  marks(
    knex: Knex, shape: IndexShape, query: SearchQuery, fields: WeightedFields, ids: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>>;
}

/** Opening and closing marks of a match in highlighted text. */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';
