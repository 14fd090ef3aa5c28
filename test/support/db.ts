/**
 * The one place tests get a database. `DB=sqlite` (default) gives a fresh SQLite file per call;
 * `DB=postgres` gives a fresh schema in the cluster at `PG_URL` (default postgres://postgres@127.0.0.1:55432/postgres).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { openDatabase, closeDatabase, type Database } from '../../platform/db/connection.js';
import { runMigrations } from '../../platform/db/migrate.js';

export const DB_KIND = (process.env.DB ?? 'sqlite') as 'sqlite' | 'postgres';
export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:55432/postgres';

export interface TestDatabase extends Database {
  /** Drop everything this database created. */
  dispose(): Promise<void>;
}

let sqliteTemplate: Promise<string> | null = null;

/**
 * A SQLite file with the platform's migrations applied, made once per process: a test engine's database starts as a
 * copy of it, since running the migrations was most of an engine's start-up. Removed when the process exits.
 */
function migratedSqliteTemplate(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'formwork-template-'));
    const file = join(dir, 'template.sqlite');
    const db = openDatabase(file);
    await runMigrations(db);
    // Closing the last connection checkpoints the write-ahead log into the file, so the file alone is the database.
    await closeDatabase(db);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return file;
  })();
  return sqliteTemplate;
}

/**
 * A fresh database. `migrated`: with the platform's migrations already applied (on SQLite a copy of a migrated
 * template, on PostgreSQL the engine applies them); without it, empty, for tests of migrations themselves.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  if (DB_KIND === 'postgres') {
    const schema = 't_' + randomBytes(6).toString('hex');
    const admin = knexFactory({ client: 'pg', connection: PG_URL, pool: { min: 0, max: 1 } });
    await admin.raw('create schema ??', [schema]);
    await admin.destroy();
    const db = openDatabase(PG_URL, { searchPath: schema });
    return {
      ...db,
      async dispose() {
        await closeDatabase(db);
        const a = knexFactory({ client: 'pg', connection: PG_URL, pool: { min: 0, max: 1 } });
        await a.raw('drop schema if exists ?? cascade', [schema]);
        await a.destroy();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'formwork-test-'));
  if (options.migrated) copyFileSync(await migratedSqliteTemplate(), join(dir, 'test.sqlite'));
  const db = openDatabase(join(dir, 'test.sqlite'));
  return {
    ...db,
    async dispose() {
      await closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
