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
  /**
   * knex configuration for separate read-only connections, or null when reads share the main pool
   * (PostgreSQL's pool already reads in parallel; an in-memory SQLite database exists on one connection only).
   */
  readerConfig(url: string): Knex.Config | null;
  /** SQL fragment and bindings (`??` for the column identifier, `?` for values): the JSON-array column contains `value`. */
  jsonArrayContains(column: string, value: unknown): { sql: string; bindings: unknown[] };
  /**
   * A join clause (`cross join …`) giving one row per string of the JSON-array column, its text in the column
   * `<alias>.value`.
   */
  jsonArrayElementsJoin(column: string, alias: string): { sql: string; bindings: unknown[] };
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
  /**
   * The planner's estimate of the number of rows `query` (a select) returns, or null when the database makes none
   * (SQLite). PostgreSQL: the top node's row estimate of EXPLAIN (FORMAT JSON), the query's values bound as parameters.
   */
  estimateRows(knex: Knex | Knex.Transaction, query: Knex.QueryBuilder): Promise<number | null>;
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
  /**
   * Run `work` while holding the database-wide start-up lock, so instances sharing a database take turns at
   * migrating, syncing the schema and seeding: another process (or another connection of this one) calling it
   * waits until `work` settles. The lock is released however `work` ends, and by the database when the process
   * dies. PostgreSQL: a session-level advisory lock on a connection of its own, outside the pool `work` uses.
   * SQLite: a write transaction on a lock file beside the database file (the database file's own lock cannot be
   * held while `work` writes through the pool's one connection).
   */
  withStartupLock<T>(knex: Knex, work: () => Promise<T>): Promise<T>;
}
