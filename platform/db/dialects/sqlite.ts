import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import type { Knex } from 'knex';
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

/** The parts of the sqlite3 driver (knex's `client.driver`) the start-up lock uses. */
interface RawSqlite {
  configure(option: 'busyTimeout', value: number): void;
  exec(sql: string, callback: (error: Error | null) => void): void;
  close(callback: (error: Error | null) => void): void;
}
interface SqliteClient {
  driver: { Database: new (filename: string, callback: (error: Error | null) => void) => RawSqlite };
  connectionSettings: { filename: string };
}

const exec = (db: RawSqlite, sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));

/** The file a SQLite URL names (`sqlite://path`, `sqlite:path` or a plain path). */
const fileOf = (url: string) => url.replace(/^sqlite:(\/\/)?/, '');

/** The start-up lock file of a database file (see withStartupLock). */
export const startupLockFile = (filename: string) => `${filename}-startup-lock`;

/**
 * Read-only connections beside the writer: as many as libuv's thread pool runs at once by default (sqlite3 runs
 * each statement on it), so reads do not queue behind one another.
 */
const SQLITE_READERS = 4;

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  ilike: 'like',

  knexConfig(url) {
    const filename = fileOf(url);
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    return {
      client: 'sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      // One connection for writes: SQLite has one writer anyway, and a single connection serialises this
      // process's transactions without SQLITE_BUSY. Reads outside a transaction go to the reader pool.
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: { exec(sql: string, cb: (e: Error | null) => void): void }, done: (e: Error | null, c: unknown) => void) {
          conn.exec(
            'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
            (e) => done(e, conn),
          );
        },
      },
    };
  },

  readerConfig(url) {
    const filename = fileOf(url);
    if (filename === ':memory:') return null;
    return {
      client: 'sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      // In WAL mode readers run beside the writer and each other, each statement seeing the last commit: with
      // one connection, a read waits behind every other statement, and behind the event loop's turn to take the
      // result of the statement before it. Opened on first use (min 0), once the writer has set WAL mode.
      pool: {
        min: 0,
        max: SQLITE_READERS,
        afterCreate(conn: { exec(sql: string, cb: (e: Error | null) => void): void }, done: (e: Error | null, c: unknown) => void) {
          conn.exec('PRAGMA query_only = ON; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;', (e) => done(e, conn));
        },
      },
    };
  },

  jsonArrayContains(column, value) {
    return { sql: 'exists (select 1 from json_each(??) as je where je.value = ?)', bindings: [column, value] };
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
    const lock = await new Promise<RawSqlite>((resolve, reject) => {
      const db = new driver.Database(startupLockFile(connectionSettings.filename), (e) => (e ? reject(e) : resolve(db)));
    });
    try {
      // A write transaction on the lock file, whose lock the OS releases if the process dies. No busy timeout: a
      // waiting attempt would hold one of libuv's few worker threads, so the wait is a timer between attempts.
      lock.configure('busyTimeout', 0);
      for (;;) {
        try {
          await exec(lock, 'BEGIN IMMEDIATE');
          break;
        } catch (e) {
          if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
          await delay(STARTUP_LOCK_RETRY_MS);
        }
      }
      try {
        return await work();
      } finally {
        await exec(lock, 'ROLLBACK').catch(() => undefined);
      }
    } finally {
      await new Promise<void>((resolve) => lock.close(() => resolve()));
    }
  },
};
