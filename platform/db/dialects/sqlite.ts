import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
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

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  ilike: 'like',

  knexConfig(url) {
    const filename = url.replace(/^sqlite:(\/\/)?/, '');
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    return {
      client: 'sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      // One connection: SQLite has one writer anyway, and a single connection serialises this process's
      // transactions without SQLITE_BUSY; reads are fast enough in-process that a reader pool buys little.
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

  async indexNames(knex) {
    const rows: { name: string }[] = await knex.raw("select name from sqlite_master where type = 'index'");
    return new Set(rows.map((r) => r.name));
  },

  // The write lock is the database's: BEGIN IMMEDIATE (above) took it when the transaction started.
  lockRowsForUpdate(query) {
    return query;
  },

  async lockRows() {},
};
