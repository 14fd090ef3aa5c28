import type { Database } from './connection.js';
import { migrationSource } from '../../migrations/index.js';

/** Bring the platform's own sys_* tables up to date (knex migrations in migrations/). */
export async function runMigrations(db: Database): Promise<string[]> {
  const [, applied] = await db.knex.migrate.latest({ migrationSource, tableName: 'sys_migrations' });
  return applied as string[];
}
