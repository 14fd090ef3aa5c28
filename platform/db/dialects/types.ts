import type { Knex } from 'knex';

/**
 * Everything that differs between SQLite and PostgreSQL lives behind this interface, so services never test
 * which client they run on.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** knex configuration for a connection string. */
  knexConfig(url: string): Knex.Config;
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
}
