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
 * Numbers are reserved from sys_sequence a block at a time: one record in {@link NUMBER_BLOCK} pays for the
 * sequence UPDATE, the rest take a number from memory (as ServiceNow's number cache does). A block is kept only
 * once the transaction that reserved it has committed — a rolled-back reservation is undone by the database and
 * forgotten here, so no number can be handed out twice — and only when that transaction is a top-level one (a
 * nested transaction's release is not its commit). Costs: numbers still never repeat and rise within a process,
 * but a restart leaves a gap of at most one block, and two processes on one database interleave their blocks.
 */
export const NUMBER_BLOCK = 20;

interface Block { next: number; last: number }
/**
 * Spare numbers per database and sequence. A database is known by its knex configuration object, which a
 * transaction's client shares with the knex instance it came from.
 */
const spare = new WeakMap<object, Map<string, Block[]>>();

function sparesOf(trx: Knex.Transaction, owner: string): Block[] | null {
  const database = (trx.client as { config?: object }).config;
  if (!database) return null;
  let bySequence = spare.get(database);
  if (!bySequence) spare.set(database, (bySequence = new Map()));
  let blocks = bySequence.get(owner);
  if (!blocks) bySequence.set(owner, (blocks = []));
  return blocks;
}

/** Take `count` consecutive spare numbers, or null when no block holds that many. */
function takeSpare(blocks: Block[], count: number): number | null {
  const i = blocks.findIndex((b) => b.last - b.next + 1 >= count);
  if (i < 0) return null;
  const b = blocks[i]!;
  const first = b.next;
  b.next += count;
  if (b.next > b.last) blocks.splice(i, 1);
  return first;
}

/**
 * Reserve `count` numbers for records of `table` inside the caller's transaction. A reservation from the database
 * increments the sequence row, which takes its write lock (PostgreSQL row lock, SQLite's IMMEDIATE write lock)
 * until commit, so concurrent inserts never get the same number; a record rolled back after taking a number
 * leaves a gap, as every database sequence does.
 */
export async function reserveNumbers(
  trx: Knex.Transaction, registry: Registry, table: ResolvedTable, count: number,
): Promise<string[] | null> {
  const owner = sequenceOwner(registry, table);
  if (!owner) return null;
  const format = (first: number) => {
    const prefix = owner.def.numberPrefix!;
    return Array.from({ length: count }, (_, i) => prefix + String(first + i).padStart(owner.numberDigits, '0'));
  };
  const blocks = sparesOf(trx, owner.name);
  const cached = blocks ? takeSpare(blocks, count) : null;
  if (cached !== null) return format(cached);

  const { executionPromise, parentTransaction } = trx as unknown as { executionPromise?: Promise<unknown>; parentTransaction?: unknown };
  const keep = blocks !== null && executionPromise !== undefined && !parentTransaction;
  const amount = keep ? count + NUMBER_BLOCK - 1 : count;
  // One statement increments and reads back (RETURNING: SQLite ≥ 3.35 and PostgreSQL).
  const bump = () => trx('sys_sequence').where({ name: owner.name }).increment('value', amount).returning('value') as unknown as Promise<{ value: unknown }[]>;
  let rows = await bump();
  if (!rows.length) {
    await trx('sys_sequence').insert({ name: owner.name, value: 0 }).onConflict('name').ignore();
    rows = await bump();
  }
  const last = Number(rows[0]!.value);
  const first = last - amount + 1;
  if (keep && amount > count) {
    executionPromise.then(() => { blocks.push({ next: first + count, last }); }, () => { /* rolled back: the reservation is undone */ });
  }
  return format(first);
}
