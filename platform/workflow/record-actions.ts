/**
 * The actions one person may take on one record now (GET /api/tables/:table/:id/actions), so a record page offers
 * only what can succeed.
 *
 * Each answer comes from the check the action itself refuses with — there is no second copy of a rule here:
 *  - `transitions`: the workflow service's transition check (service.ts), as GET …/transitions;
 *  - `assign`: {@link assignRefusal} (update access, and the record's queue is one the person works in, as the assign
 *    API requires); "Assign to me" by {@link checkAssignee}, the rule every write of the assignee field meets (a
 *    member of the record's queue when that queue has members);
 *  - `move`: the queues the person sees that serve the record's table ({@link routableQueues}: the assign API's
 *    check of `queue` and queue-fields.ts), without the queue the record is in;
 *  - `edit` and `delete`: the access policy's table grant and row condition (the record service's check), with the
 *    fields the person may write (never the workflow's state field: only transitions change it);
 *  - `copies`: the table's default form's copy actions as the form metadata lists them (platform/forms/copies.ts).
 * What only the write can know (a business rule aborting, a record changed meanwhile) can still refuse it.
 */
import { accessFor } from '../access/policy.js';
import type { Formwork } from '../context.js';
import type { ResolvedTable } from '../definitions/types.js';
import { copiesFor } from '../forms/copies.js';
import type { FormCopy } from '../forms/types.js';
import { isEmptyValue } from '../records/field-values.js';
import type { Actor, RecordData } from '../records/types.js';
import { defaultFormOf } from '../rules/data-policy.js';
import { checkAssignee, mayOn, originalActor } from './actors.js';
import { workflowOf, type CompiledWorkflow } from './definitions.js';
import { assignRefusal, listQueues, routableQueues } from './queues.js';
import type { WorkflowService } from './service.js';
import type { TransitionSummary } from './transition-types.js';

/** A queue as a choice: its name (what the API takes) and its label (what people read). */
export interface QueueChoice { name: string; label: string }

/** Assigning the record: offered when the person may assign it at all. */
export interface AssignActions {
  /** "Assign to me" would succeed. */
  toMe: boolean;
  /** Why it would not, in words for the person (null when it would). */
  toMeRefused: string | null;
  /** The record has an assignee to take off ("Return to queue"). */
  unassign: boolean;
}

/** What the person may do with the record now (see the module comment). */
export interface RecordActions {
  /** The workflow state and its label (null for a table without a workflow). */
  state: string | null;
  stateLabel: string | null;
  transitions: TransitionSummary[];
  /** The queue the record is in, with its label (null when none, or the workflow keeps no queue). */
  queue: QueueChoice | null;
  /** Null when the workflow keeps no assignee or the person may not assign the record. */
  assign: AssignActions | null;
  /** Null when there is no queue they may move it to. */
  move: { queues: QueueChoice[] } | null;
  /** Null when they may not change the record; else the fields they may write. */
  edit: { fields: string[] } | null;
  delete: boolean;
  copies: FormCopy[];
}

/**
 * The actions `actor` may take on record `id` of `tableName` (the table it is read through, as on its page).
 * Errors: as reading the record (table_not_found, forbidden, not_found).
 */
export async function recordActions(service: WorkflowService, tableName: string, id: string, actor: Actor): Promise<RecordActions> {
  const { fw } = service;
  const registry = service.registry;
  const now = fw.clock.now();
  const person = actor.kind === 'system' ? actor : originalActor(actor);
  const table = registry.getTable(tableName);
  // The person's read decides whether the record exists for them (404 outside their rows), as its GET does.
  const seen = await fw.records.readOne(table.name, id, { actor, fields: ['id', 'class'] });
  const cls = registry.tables.get(String(seen.class)) ?? table;
  const record = await fw.records.readOne(cls.name, id, { actor: fw.systemActor });
  const wf = workflowOf(registry, cls);

  const update = accessFor(registry, person, table.name, 'update');
  const editable = update.allowed && await mayOn(registry, person, table, record, 'update', now);
  const fields = editable
    ? [...table.fields.values()].map((f) => f.name).filter((f) => update.writable.has(f) && f !== wf?.def.stateField)
    : [];
  const form = defaultFormOf(registry, table.name);
  const state = wf ? record[wf.def.stateField] : null;
  return {
    state: isEmptyValue(state) ? null : String(state),
    stateLabel: wf && !isEmptyValue(state) ? wf.def.states[String(state)]?.label ?? String(state) : null,
    transitions: wf ? await service.allowedFor(wf, cls, record, actor, now) : [],
    ...(wf ? await assignment(fw, wf, cls, record, actor, now) : { queue: null, assign: null, move: null }),
    edit: fields.length ? { fields } : null,
    delete: accessFor(registry, person, table.name, 'delete').allowed && await mayOn(registry, person, table, record, 'delete', now),
    copies: form ? copiesFor(registry, form, person, accessFor(registry, person, table.name, 'read').readable) : [],
  };
}

/** Assign and move, by the assign API's own checks. */
async function assignment(
  fw: Formwork, wf: CompiledWorkflow, cls: ResolvedTable, record: RecordData, actor: Actor, now: Date,
): Promise<Pick<RecordActions, 'queue' | 'assign' | 'move'>> {
  const { queueField: qf, assigneeField: af } = wf.def;
  if (!qf && !af) return { queue: null, assign: null, move: null };
  const registry = fw.registry.current;
  const person = actor.kind === 'system' ? actor : originalActor(actor);
  const visible = await listQueues(fw, actor);
  const current = qf && typeof record[qf] === 'string' && record[qf] ? String(record[qf]) : null;
  // The record shows its queue's name anyway; its label reads better, also for a queue the person does not see.
  const queue = current === null ? null : {
    name: current,
    label: visible.find((q) => q.name === current)?.label
      ?? (await fw.db.knex('sys_queue').where({ name: current }).first('label'))?.label ?? current,
  };
  if (actor.kind !== 'system' && await assignRefusal(fw, person, cls, wf, record, visible, now)) return { queue, assign: null, move: null };
  let assign: AssignActions | null = null;
  if (af) {
    let toMeRefused: string | null = null;
    if (actor.kind === 'system') toMeRefused = 'The system is not a person.';
    else if (record[af] === person.username) toMeRefused = 'It is assigned to you.';
    else {
      const checked = await checkAssignee(fw.db.knex, registry, cls, record, person.username, qf ? record[qf] : null, now);
      toMeRefused = checked.problem?.message ?? null;
    }
    assign = { toMe: toMeRefused === null, toMeRefused, unassign: !isEmptyValue(record[af]) };
  }
  const queues = qf
    ? routableQueues(registry, cls, visible).filter((q) => q.name !== record[qf]).map((q) => ({ name: q.name, label: q.label }))
    : [];
  return { queue, assign, move: queues.length ? { queues } : null };
}
