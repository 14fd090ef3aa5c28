import type { Knex } from 'knex';

/**
 * Everything that differs between SQLite and PostgreSQL lives behind this interface, so services never test
 * which client they run on.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /**
   * knex configuration for a connection string. `searchPath` names the PostgreSQL schema to work in (the test
   * suite isolates each database in one); SQLite has no schemas and ignores it.
   */
  knexConfig(url: string, options?: { searchPath?: string }): Knex.Config;
  /** SQL fragment and bindings (`??` for the column identifier, `?` for values): the JSON-array column contains `value`. */
  jsonArrayContains(column: string, value: unknown): { sql: string; bindings: unknown[] };
  /** Case-insensitive LIKE operator keyword. */
  readonly ilike: string;
  /** Convert a value read from the driver to its API form for the given field type. */
  fromDb(type: string, value: unknown): unknown;
  /** Convert an API value to what the driver stores for the given field type. */
  toDb(type: string, value: unknown): unknown;
  /** Whether `error` is a unique-constraint violation; returns the column names when it can tell. */
  uniqueViolation(error: unknown): { columns: string[] } | null;
  /** SQL column type for a storage type (see storage-types.ts). */
  columnType(storage: string): string;
  /** Whether `error` is a foreign-key violation. */
  foreignKeyViolation(error: unknown): boolean;
  /** Names of the indexes that exist in the database (the connection's schema on PostgreSQL). */
  indexNames(knex: Knex): Promise<Set<string>>;
  /**
   * Make a read inside a transaction lock the rows it returns until the transaction ends, so a read-then-write
   * cannot interleave with another writer. PostgreSQL adds FOR UPDATE; SQLite returns the query unchanged because
   * its write transactions begin IMMEDIATE and already hold the database's one write lock.
   */
  lockRowsForUpdate<T extends Knex.QueryBuilder>(query: T): T;
  /**
   * Lock rows `ids` of `table` until transaction `trx` ends without reading them otherwise, e.g. to take a
   * record's lock before changing rows that depend on it, in the order record writes take them. A no-op on SQLite
   * (see {@link lockRowsForUpdate}), which then runs no statement at all.
   */
  lockRows(trx: Knex.Transaction, table: string, ids: readonly string[]): Promise<void>;
}
