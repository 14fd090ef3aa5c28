/**
 * A record sweep: the records of a table matching the job's condition, read through the record service's query (the
 * condition compiled to SQL, with the job actor's row scope) in pages ordered by id — each page starts after the last
 * id of the one before, so records the actions change (and that may stop matching) neither shift nor repeat pages —
 * and each record acted on in its own transaction through the record pipeline as the job's actor: rules, workflow,
 * access and audit apply as to anyone's change. A record that fails is rolled back alone, counted, and the first few
 * errors kept with the run; the sweep goes on. The run stops between records once its signal is aborted.
 */
import type { Condition } from '../conditions/types.js';
import type { ResolvedTable } from '../definitions/types.js';
import { NOTIFY_EVENT } from '../notify/definitions.js';
import { renderValue } from '../rules/actions.js';
import { writeEvent } from '../rules/events.js';
import type { TemplateContext } from '../rules/templates.js';
import type { Actor, RecordData } from '../records/types.js';
import { accessFacts } from '../access/policy.js';
import type { Knex } from 'knex';
import type { JobContext, SweepAction, SweepDef } from './types.js';
import { withParameters } from './parameters.js';

/** Makes a workflow transition (the engine's workflow service), in the caller's transaction. */
export type TransitionFn = (
  table: string, id: string, name: string, input: { comment?: string }, actor: Actor, opts: { trx: Knex.Transaction },
) => Promise<unknown>;

const DEFAULT_PAGE = 500;
/** How many record errors a run keeps (the count says how many there were). */
export const KEPT_ERRORS = 5;

/** Thrown between records when the run's signal is aborted; the runner records why. */
export class RunAborted extends Error {
  constructor() { super('The run was stopped.'); this.name = 'RunAborted'; }
}

/** Run a sweep; returns the first errors of records that failed (the counts go through `ctx.count`). */
export async function runSweep(job: string, sweep: SweepDef, ctx: JobContext, transition: TransitionFn): Promise<string[]> {
  const { fw, actor } = ctx;
  const registry = fw.registry.current;
  const table = registry.getTable(sweep.table);
  const condition = withParameters(sweep.condition, ctx.parameters);
  const pageSize = sweep.pageSize ?? DEFAULT_PAGE;
  const errors: string[] = [];
  let after: string | null = null;
  let done = 0;
  let total: number | null = null;
  for (;;) {
    if (ctx.signal.aborted) throw new RunAborted();
    const filter: Condition = after === null ? condition : { all: [condition, { fact: 'id', operator: 'greaterThan', value: after }] };
    const page = await fw.records.query(sweep.table, {
      filter, sort: [{ field: 'id', direction: 'asc' }], limit: pageSize, withTotal: after === null ? 'estimate' : false,
    }, { actor });
    if (after === null) total = page.total;
    for (const record of page.records) {
      if (ctx.signal.aborted) throw new RunAborted();
      ctx.count({ examined: 1 });
      try {
        await fw.db.knex.transaction((trx) => actOn(job, table, record, sweep.actions, ctx, transition, trx));
        ctx.count({ changed: 1 });
      } catch (e) {
        ctx.count({ failed: 1 });
        if (errors.length < KEPT_ERRORS) errors.push(`${String(record.number ?? record.id)}: ${(e as Error)?.message ?? String(e)}`);
      }
      ctx.progress(++done, total);
    }
    if (page.records.length < pageSize) break;
    after = String(page.records[page.records.length - 1]!.id);
  }
  return errors;
}

async function actOn(
  job: string, table: ResolvedTable, record: RecordData, actions: SweepAction[], ctx: JobContext, transition: TransitionFn,
  trx: Knex.Transaction,
): Promise<void> {
  const { fw, actor } = ctx;
  const registry = fw.registry.current;
  const now = ctx.now();
  const id = String(record.id);
  let current = record;
  const context = (): TemplateContext => ({
    record: current, previous: null, user: accessFacts(registry, actor, now).user as Record<string, unknown>, now: now.toISOString(),
    params: ctx.parameters, table,
  } as TemplateContext);
  const render = (target: ResolvedTable, fields: Record<string, unknown>): RecordData => {
    const tctx = context();
    return Object.fromEntries(Object.entries(fields)
      .map(([name, raw]) => [name, renderValue(registry, raw, target.fields.get(name), tctx)]));
  };
  for (const a of actions) {
    switch (a.type) {
      case 'set':
        current = await fw.records.updateOne(table.name, id, render(table, a.fields), { actor, trx });
        break;
      case 'transition':
        await transition(table.name, id, a.transition, a.comment ? { comment: a.comment } : {}, actor, { trx });
        current = await fw.records.readOne(table.name, id, { actor, trx });
        break;
      case 'notify':
        await writeEvent(trx, {
          name: NOTIFY_EVENT, table: table.name, recordId: id, payload: { notification: a.notification, job },
          actorId: actor.id, actorName: actor.username, source: `job:${job}`, at: now.toISOString(),
        });
        break;
      case 'createRecord':
        await fw.records.createOne(a.table, render(registry.getTable(a.table), a.fields), { actor, trx });
        break;
      default:
    }
  }
}
