import type { Knex } from 'knex';
import type { Registry, ResolvedTable } from '../definitions/types.js';

/** The table whose sequence numbers records of `table`: the nearest one declaring a prefix. */
export function sequenceOwner(registry: Registry, table: ResolvedTable): ResolvedTable | null {
  for (const name of [table.name, ...table.ancestors]) {
    const t = registry.getTable(name);
    if (t.def.numberPrefix) return t;
  }
  return null;
}

/**
 * Reserve `count` numbers for records of `table` inside the caller's transaction. The increment takes the
 * sequence row's write lock (PostgreSQL row lock, SQLite's IMMEDIATE write lock) until commit, so concurrent
 * inserts never get the same number; a rolled-back insert leaves a gap, as every database sequence does.
 */
export async function reserveNumbers(trx: Knex.Transaction, registry: Registry, table: ResolvedTable, count: number): Promise<string[] | null> {
  const owner = sequenceOwner(registry, table);
  if (!owner) return null;
  // One statement increments and reads back (RETURNING: SQLite ≥ 3.35 and PostgreSQL).
  const bump = () => trx('sys_sequence').where({ name: owner.name }).increment('value', count).returning('value') as unknown as Promise<{ value: unknown }[]>;
  let rows = await bump();
  if (!rows.length) {
    await trx('sys_sequence').insert({ name: owner.name, value: 0 }).onConflict('name').ignore();
    rows = await bump();
  }
  const last = Number(rows[0]!.value);
  const prefix = owner.def.numberPrefix!;
  const digits = owner.numberDigits;
  return Array.from({ length: count }, (_, i) => prefix + String(last - count + 1 + i).padStart(digits, '0'));
}
