import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import type { Knex } from 'knex';
import { FormworkSqliteClient, type BetterSqlite, type BetterSqliteDriver } from './sqlite-client.js';
import type { Dialect } from './types.js';

const require = createRequire(import.meta.url);

// knex's SQLite transactions start with a deferred BEGIN; a deferred transaction that reads and then writes can
// fail with SQLITE_BUSY_SNAPSHOT, which busy_timeout does not retry. BEGIN IMMEDIATE takes the write lock up
// front, so concurrent writers (other processes on the same file) wait instead of failing.
const SqliteTransaction = require('knex/lib/dialects/sqlite3/execution/sqlite-transaction.js');
SqliteTransaction.prototype.begin = function begin(this: { query(c: unknown, sql: string): unknown }, conn: unknown) {
  return this.query(conn, 'BEGIN IMMEDIATE;');
};

const JSON_TYPES = new Set(['json', 'attachment']);

/** How long to wait before asking again for a start-up lock another connection holds. */
const STARTUP_LOCK_RETRY_MS = 50;

/** The parts of knex's client the start-up lock uses. */
interface SqliteClient {
  driver: BetterSqliteDriver;
  connectionSettings: { filename: string };
}

/**
 * The start-up locks this process holds. A connection nothing references is closed when it is garbage-collected,
 * which would release its lock while the work it guards still runs (work whose promise nothing else keeps alive).
 */
const HELD_LOCKS = new Set<BetterSqlite>();

/** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * A pool's afterCreate setting `pragmas` on each new connection. The writer's: write-ahead log (readers beside the
 * writer), foreign keys, the busy timeout; the reader's: foreign keys and the busy timeout.
 */
function withPragmas(pragmas: readonly string[]) {
  return (conn: BetterSqlite, done: (e: Error | null, c: unknown) => void): void => {
    try {
      for (const p of pragmas) conn.pragma(p);
      done(null, conn);
    } catch (e) {
      done(e as Error, conn);
    }
  };
}
/**
 * Pages read through a memory map rather than a read call each into SQLite's small (2 MB) page cache: a join that
 * visits thousands of rows scattered over a large file (a full-text match checked against its records' access)
 * ran 3–4× faster at 100k records. The limit is address space, not memory; the OS's page cache holds the pages.
 */
const MMAP_BYTES = 1024 ** 3;
const setUpWriter = withPragmas(['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', `busy_timeout = ${BUSY_TIMEOUT_MS}`,
  `mmap_size = ${MMAP_BYTES}`]);
const setUpReader = withPragmas(['foreign_keys = ON', `busy_timeout = ${BUSY_TIMEOUT_MS}`, `mmap_size = ${MMAP_BYTES}`]);

/** The file a SQLite URL names (`sqlite://path`, `sqlite:path` or a plain path). */
const fileOf = (url: string) => url.replace(/^sqlite:(\/\/)?/, '');

/** The start-up lock file of a database file (see withStartupLock). */
export const startupLockFile = (filename: string) => `${filename}-startup-lock`;

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  ilike: 'like',

  knexConfig(url) {
    const filename = fileOf(url);
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    return {
      client: FormworkSqliteClient as unknown as Knex.Config['client'],
      connection: { filename },
      useNullAsDefault: true,
      // One connection for writes: SQLite has one writer anyway, and a single connection serialises this
      // process's transactions without SQLITE_BUSY. Reads outside a transaction go to the reader.
      pool: { min: 1, max: 1, afterCreate: setUpWriter },
    };
  },

  readerConfig(url) {
    const filename = fileOf(url);
    if (filename === ':memory:') return null;
    return {
      client: FormworkSqliteClient as unknown as Knex.Config['client'],
      connection: { filename, options: { readonly: true } },
      useNullAsDefault: true,
      // In WAL mode a reader runs beside the writer, each statement seeing the last commit, never the writer's
      // transaction in progress (which may span several turns of the event loop). Statements run on the calling
      // thread, so one connection is as fast as several. Opened on first use (min 0), once the writer has set WAL.
      pool: { min: 0, max: 1, afterCreate: setUpReader },
    };
  },

  jsonArrayContains(column, value) {
    return { sql: 'exists (select 1 from json_each(??) as je where je.value = ?)', bindings: [column, value] };
  },

  jsonArrayElementsJoin(column, alias) {
    return { sql: 'cross join json_each(??) as ??', bindings: [column, alias] };
  },

  fromDb(type, value) {
    if (value === null || value === undefined) return null;
    switch (type) {
      case 'boolean': return value === 1 || value === true || value === '1';
      case 'json': case 'attachment': return typeof value === 'string' ? JSON.parse(value) : value;
      case 'choice-multiple': return typeof value === 'string' ? JSON.parse(value) : value;
      case 'decimal': case 'currency': return typeof value === 'string' ? Number(value) : value;
      default: return value;
    }
  },

  toDb(type, value) {
    if (value === null || value === undefined) return null;
    if (type === 'boolean') return value ? 1 : 0;
    if (JSON_TYPES.has(type) || type === 'choice-multiple') return JSON.stringify(value);
    return value;
  },

  columnType(storage) {
    if (storage.startsWith('decimal')) return 'numeric';
    switch (storage) {
      case 'integer': return 'integer';
      case 'boolean': return 'boolean';
      default: return 'text';
    }
  },

  uniqueViolation(error) {
    const msg = error instanceof Error ? error.message : '';
    const m = /UNIQUE constraint failed: (.+)$/m.exec(msg);
    if (!m) return null;
    return { columns: m[1]!.split(',').map((s) => s.trim().split('.').pop()!) };
  },

  foreignKeyViolation(error) {
    return error instanceof Error && /FOREIGN KEY constraint failed/.test(error.message);
  },

  // SQLite's planner keeps no row estimates a client can read.
  async estimateRows() {
    return null;
  },

  async indexNames(knex) {
    const rows: { name: string }[] = await knex.raw("select name from sqlite_master where type = 'index'");
    return new Set(rows.map((r) => r.name));
  },

  // The write lock is the database's: BEGIN IMMEDIATE (above) took it when the transaction started.
  lockRowsForUpdate(query) {
    return query;
  },

  async lockRows() {},

  async withStartupLock<T>(knex: Knex, work: () => Promise<T>): Promise<T> {
    const { driver, connectionSettings } = knex.client as unknown as SqliteClient;
    // An in-memory database is private to its connection: nobody to take turns with.
    if (connectionSettings.filename === ':memory:') return work();
    // No busy timeout: a waiting statement would block this thread, so the wait is a timer between attempts.
    const lock = new driver(startupLockFile(connectionSettings.filename), { timeout: 0 });
    HELD_LOCKS.add(lock);
    try {
      // A write transaction on the lock file, whose lock the OS releases if the process dies.
      for (;;) {
        try {
          lock.exec('BEGIN IMMEDIATE');
          break;
        } catch (e) {
          if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
          await delay(STARTUP_LOCK_RETRY_MS);
        }
      }
      try {
        return await work();
      } finally {
        if (lock.inTransaction) lock.exec('ROLLBACK');
      }
    } finally {
      HELD_LOCKS.delete(lock);
      lock.close();
    }
  },
};
