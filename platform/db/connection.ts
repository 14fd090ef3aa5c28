import knexFactory, { type Knex } from 'knex';
import { sqliteDialect } from './dialects/sqlite.js';
import { postgresDialect } from './dialects/postgres.js';
import type { Dialect } from './dialects/types.js';

export interface Database {
  knex: Knex;
  /**
   * Where reads outside a transaction go: on SQLite a read-only connection beside the one writer; on
   * PostgreSQL (and an in-memory SQLite database) the same pool as `knex`. Never for a read that must see the
   * caller's own uncommitted writes: those use the transaction.
   */
  reader: Knex;
  dialect: Dialect;
  url: string;
}

/** Pick the dialect for a DATABASE_URL: `postgres://…` / `postgresql://…`, otherwise a SQLite file path. */
export function dialectFor(url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? postgresDialect : sqliteDialect;
}

/** Open a database. `searchPath` (PostgreSQL only) isolates a schema, which the test suite uses. */
export function openDatabase(url: string, options: { searchPath?: string } = {}): Database {
  const dialect = dialectFor(url);
  const knex = knexFactory(dialect.knexConfig(url, options));
  const readerConfig = dialect.readerConfig(url);
  return { knex, reader: readerConfig ? knexFactory(readerConfig) : knex, dialect, url };
}

export async function closeDatabase(db: Database): Promise<void> {
  if (db.reader !== db.knex) await db.reader.destroy();
  await db.knex.destroy();
}

/**
 * Run `work` under the database's start-up lock (see Dialect.withStartupLock): migrations, schema sync and
 * seeding run inside it, so instances started together on one database take turns and each finds the work of
 * those before it done.
 */
export function withStartupLock<T>(db: Database, work: () => Promise<T>): Promise<T> {
  return db.dialect.withStartupLock(db.knex, work);
}
