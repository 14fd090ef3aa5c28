import type { Knex } from 'knex';

/**
 * Insert rows in chunks inside the caller's transaction. (knex's batchInsert opens a nested transaction — a
 * SAVEPOINT round trip per call — which a single-record create cannot afford.) `chunk` keeps each statement under
 * SQLite's limits on bound variables and compound SELECT terms.
 */
export async function insertRows(trx: Knex.Transaction, table: string, rows: Record<string, unknown>[], chunk = 200): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) await trx(table).insert(rows.slice(i, i + chunk));
}
