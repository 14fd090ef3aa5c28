/**
 * Helpers for platform jobs that clear rows in batches (the housekeeping jobs of files, catalogue staging, identity
 * and the access log): the batch-size parameter they share, reading a whole-number parameter, and batched
 * set-based deletes that count, report progress and stop between batches when the run is cancelled.
 */
import type { Knex } from 'knex';
import type { FieldDef } from '../definitions/types.js';
import type { JobContext } from './types.js';

/** Rows read or deleted together, unless the job's parameters say otherwise. */
export const DEFAULT_BATCH_SIZE = 500;

/** The batch-size parameter the housekeeping jobs share. */
export const BATCH_SIZE_PARAMETER: FieldDef = {
  type: 'integer', label: 'Rows per batch', min: 1, max: 10_000, default: DEFAULT_BATCH_SIZE,
  help: 'How many rows each step reads or removes at once; smaller batches hold locks for less time.',
};

/** A whole number from a parameter, or `fallback` when it is missing (a hand-made context, an older override). */
export function numberParameter(value: unknown, fallback: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/** An ISO time `days` days before the run's now. */
export function daysBefore(ctx: JobContext, days: number): string {
  return new Date(ctx.now().getTime() - days * 86_400_000).toISOString();
}

/** Rows of one table to delete: its key (one column or several) and which rows are due. */
export interface DueRows {
  table: string;
  key: string | string[];
  where: (q: Knex.QueryBuilder) => Knex.QueryBuilder;
}

/**
 * Delete every due row of each selection in batches of `batchSize` (`DELETE … WHERE key IN (SELECT key … LIMIT n)`:
 * one short statement per batch, never one per row), counting — examined and changed alike, as a row is looked at
 * only as it is deleted — and reporting progress against the number due at the start.
 */
export async function deleteInBatches(ctx: JobContext, selections: DueRows[], batchSize: number): Promise<void> {
  const knex = ctx.fw.db.knex;
  let total = 0;
  for (const s of selections) total += Number((await s.where(knex(s.table)).count({ n: '*' }).first())?.n ?? 0);
  ctx.progress(0, total);
  let done = 0;
  for (const s of selections) {
    const keys = Array.isArray(s.key) ? s.key : [s.key];
    for (;;) {
      if (ctx.signal.aborted) return;
      const batch = s.where(knex(s.table)).select(keys).limit(batchSize);
      const due = knex(s.table);
      const n = Number(await (keys.length === 1 ? due.whereIn(keys[0]!, batch) : due.whereIn(keys, batch)).delete());
      ctx.count({ examined: n, changed: n });
      done += n;
      ctx.progress(done, Math.max(total, done));
      if (n < batchSize) break;
    }
  }
}
