/**
 * The queue a record is put in: one check for every way a workflow's `queueField` gets a value — the assign API, a
 * create or update through the record API, a transition's fields or actions, a business rule, a data file.
 *
 * A queue field names a queue that exists (a sys_queue row, or a name the workflows mention) and that serves the
 * record's table. A queue the workflows mention (a state's queue, a queue action, an assignment rule, a queue
 * approver) serves the tables of those workflows and the tables extending them — the records its queue views show;
 * a queue only stored as a row (created through the API, not named by any workflow) serves every table keeping
 * queues, as the queue pages list it. This is integrity, not permission: it holds for administrators and the
 * system alike, so a record never sits in a queue whose views cannot show it, and the assignee rule
 * (platform/workflow/actors.ts `assertAssignee`, checked against the queue the record ends up in) cannot be
 * bypassed by naming a queue that has no members because it does not exist. Queues have no status to check.
 */
import type { Knex } from 'knex';
import type { Registry, ResolvedTable } from '../definitions/types.js';
import { fail } from '../errors.js';
import { declaredQueues } from './definitions.js';

/**
 * Why a queue the workflows mention may not hold records of `table` (its own table and those it extends are looked
 * up in `served`, the tables the queue serves), or null when it may.
 */
export function notServedMessage(
  queue: string, table: ResolvedTable, served: ReadonlySet<string>, tables: ReadonlyMap<string, ResolvedTable>,
): string | null {
  if ([table.name, ...table.ancestors].some((t) => served.has(t))) return null;
  const names = [...served].sort().map((t) => `"${tables.get(t)?.def.label ?? t}"`);
  return `Queue "${queue}" does not take ${table.def.label ?? table.name} records; it serves ${names.join(', ')}.`;
}

/**
 * Throws unless `queue` may be the value of queue field `field` of a record of `table` (its own table, its class):
 * the queue exists and serves the table (see the module comment). Reads sys_queue through `knex` (the write's
 * transaction) only for a queue no workflow mentions. Errors: validation_failed on `field` with the sub-code
 * `unknown_queue` (no such queue) or `queue_not_for_table` (the queue serves other tables).
 */
export async function assertQueueFor(
  knex: Knex | Knex.Transaction, registry: Registry, table: ResolvedTable, queue: string, field: string,
): Promise<void> {
  const problem = (code: string, message: string): never => fail('validation_failed', message, { fieldErrors: [{ field, code, message }] });
  const served = declaredQueues(registry).get(queue);
  if (served) {
    // As queueServes, with the reason.
    const refused = notServedMessage(queue, table, served, registry.tables);
    if (refused) problem('queue_not_for_table', refused);
    return;
  }
  if (!(await knex('sys_queue').where({ name: queue }).first('id'))) problem('unknown_queue', `There is no queue "${queue}".`);
}

/**
 * Whether a queue that exists (a sys_queue row, or a name the workflows mention) may hold records of `table`: the
 * check of {@link assertQueueFor} without the look-up, for lists of queues already read.
 */
export function queueServes(registry: Registry, table: ResolvedTable, queue: string): boolean {
  const served = declaredQueues(registry).get(queue);
  return !served || notServedMessage(queue, table, served, registry.tables) === null;
}
