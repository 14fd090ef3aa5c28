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
 * sequence UPDATE, the rest take a number from memory (as ServiceNow's number cache does). Numbers follow creation
 * order — gaps are fine, inversions are not — so a block is used only while it is the sequence's newest:
 *
 *  - a transaction keeps the block it reserved for its own later creates (a data file seeded in one transaction
 *    numbers its records 1, 2, 3…, not 1, 21, 41…), and hands what is left to the process once it has committed
 *    (a rolled-back reservation is undone by the database and forgotten here, so no number is handed out twice);
 *  - a spare block is used only while the sequence still ends where the block ends (one read of the sequence row):
 *    once anyone — another transaction, process or instance — reserved after it, its numbers would come out below
 *    theirs, so it is dropped and a new block reserved.
 *
 * A nested transaction (a savepoint) uses its top-level transaction's block, which outlives a rollback to the
 * savepoint as a gap. Costs: a restart leaves a gap of at most one block, and so does each switch between two
 * processes creating records of one table.
 */
export const NUMBER_BLOCK = 20;

interface Block { next: number; last: number }
/**
 * The spare block per database and sequence. A database is known by its knex configuration object, which a
 * transaction's client shares with the knex instance it came from.
 */
const spare = new WeakMap<object, Map<string, Block>>();
/** Blocks reserved by a top-level transaction not yet committed, by sequence: used by that transaction only. */
const pending = new WeakMap<object, Map<string, Block>>();

interface TrxInternals { executionPromise?: Promise<unknown>; parentTransaction?: TrxInternals }

function sparesOf(trx: Knex.Transaction): Map<string, Block> | null {
  const database = (trx.client as { config?: object }).config;
  if (!database) return null;
  let bySequence = spare.get(database);
  if (!bySequence) spare.set(database, (bySequence = new Map()));
  return bySequence;
}

/** The top-level transaction of `trx` (itself when it is one), when knex tells its commit apart. */
function rootOf(trx: Knex.Transaction): TrxInternals | null {
  let t = trx as unknown as TrxInternals;
  while (t.parentTransaction) t = t.parentTransaction;
  return t.executionPromise ? t : null;
}

/** Take `count` consecutive numbers of a block, or null when it holds fewer. */
function take(block: Block | undefined, count: number): number | null {
  if (!block || block.last - block.next + 1 < count) return null;
  const first = block.next;
  block.next += count;
  return first;
}

/** The sequence's current value as this transaction sees it (0 before its first reservation). */
async function sequenceValue(trx: Knex.Transaction, owner: string): Promise<number> {
  const row = await trx('sys_sequence').where({ name: owner }).first('value') as { value: unknown } | undefined;
  return row ? Number(row.value) : 0;
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
  const root = rootOf(trx);
  const own = root ? pending.get(root)?.get(owner.name) : undefined;
  const mine = take(own, count);
  if (mine !== null) return format(mine);

  const spares = sparesOf(trx);
  const block = own ? undefined : spares?.get(owner.name);
  if (block && block.last - block.next + 1 >= count) {
    const fresh = await sequenceValue(trx, owner.name) === block.last;
    // Others may have used the block up or replaced it meanwhile (the read awaited): take only what is still there.
    const spareFirst = fresh ? take(block, count) : null;
    if (spareFirst !== null) return format(spareFirst);
    if (!fresh && spares!.get(owner.name) === block) spares!.delete(owner.name);
  }

  // Only a top-level transaction keeps a block: a savepoint's reservation may be undone while the transaction goes on.
  const keep = root !== null && root === (trx as unknown as TrxInternals) && spares !== null;
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
    const reserved: Block = { next: first + count, last };
    let mineNow = pending.get(root);
    if (!mineNow) {
      pending.set(root, (mineNow = new Map()));
      const forget = () => { pending.delete(root); };
      // Committed: what is left of each block is the process's; rolled back: the reservation is undone.
      root.executionPromise!.then(() => {
        for (const [name, b] of mineNow!) if (b.next <= b.last) spares!.set(name, b);
        forget();
      }, forget);
    }
    mineNow.set(owner.name, reserved);
  }
  return format(first);
}
