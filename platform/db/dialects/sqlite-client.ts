/**
 * knex's client for SQLite through better-sqlite3, with prepared statements kept per connection.
 *
 * better-sqlite3 runs a statement on the calling thread and returns its rows at once. The asynchronous sqlite3
 * driver sends every statement to libuv's thread pool and its result back through the event loop, so under load
 * each statement of a transaction waited behind whatever else the loop had queued while the one write connection
 * stayed held; SQLite's statements on an indexed table take microseconds, less than that round trip. knex's own
 * better-sqlite3 client prepares every statement anew: this one keeps the last STATEMENTS_KEPT statements of each
 * connection by their SQL (knex writes the same SQL for the same query shape, values are bindings).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The parts of a better-sqlite3 statement used here. */
interface Statement {
  readonly reader: boolean;
  all(bindings: unknown[]): unknown[];
  run(bindings: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

/** The parts of a better-sqlite3 connection used here and by the dialect. */
export interface BetterSqlite {
  prepare(sql: string): Statement;
  pragma(source: string): unknown;
  exec(sql: string): void;
  close(): void;
  readonly inTransaction: boolean;
}

/** A better-sqlite3 Database constructor (knex's `client.driver`). */
export type BetterSqliteDriver = new (filename: string, options?: { readonly?: boolean; timeout?: number }) => BetterSqlite;

interface QueryObject {
  sql: string;
  bindings?: unknown[];
  response?: unknown;
  context?: { lastID: number | bigint; changes: number };
}

interface KnexClient {
  /** knex's better-sqlite3 client: Dates as milliseconds, booleans as 0 and 1. */
  _formatBindings(bindings: unknown[] | undefined): unknown[];
}
type KnexClientClass = new (config: unknown) => KnexClient;

/** How many prepared statements a connection keeps (the least recently used goes first). */
const STATEMENTS_KEPT = 500;

const BetterSqliteClient = require('knex/lib/dialects/better-sqlite3/index.js') as KnexClientClass;
const cache = new WeakMap<BetterSqlite, Map<string, Statement>>();

function prepared(connection: BetterSqlite, sql: string): Statement {
  let statements = cache.get(connection);
  if (!statements) cache.set(connection, (statements = new Map()));
  let statement = statements.get(sql);
  if (statement) {
    // Most recently used last: a Map iterates in insertion order.
    statements.delete(sql);
  } else {
    statement = connection.prepare(sql);
    if (statements.size >= STATEMENTS_KEPT) statements.delete(statements.keys().next().value!);
  }
  statements.set(sql, statement);
  return statement;
}

/** knex client class for `client:` in a knex configuration. */
export class FormworkSqliteClient extends BetterSqliteClient {
  async _query(connection: BetterSqlite, obj: QueryObject): Promise<QueryObject> {
    if (!obj.sql) throw new Error('The query is empty');
    const statement = prepared(connection, obj.sql);
    const bindings = this._formatBindings(obj.bindings);
    if (statement.reader) {
      obj.response = statement.all(bindings);
      return obj;
    }
    const response = statement.run(bindings);
    obj.response = response;
    obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  }
}
